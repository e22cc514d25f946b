@users @credentials
Feature: Logging in and being locked out
  The login form checks a password against the stored scrypt hash. A wrong password and an unknown
  user look the same from outside, five wrong passwords in a row lock the account for a while, and
  the password or its hash never comes back from anything.

  Background:
    Given there is a user "alice"
    And "alice" has the password "correct horse battery staple"
    And I am anonymous

  Scenario: the right password logs in
    When I log in as "alice" with the password "correct horse battery staple"
    Then it succeeds
    And the result is true

  Scenario Outline: a wrong password and an unknown user look the same: <case>
    When I log in as "<username>" with the password "<password>"
    Then it fails with UNAUTHORIZED
    And the result does not contain "<password>"

    Examples:
      | case           | username | password       |
      | wrong password | alice    | hunter2-guess  |
      | unknown user   | nobody   | correct horse  |

  Scenario: the stored password never comes back
    Given I am the system
    When I list the users
    Then the result shows no passwordHash
    And the result shows no password
    And the result does not contain "correct horse battery staple"

  Scenario Outline: after five wrong passwords every attempt is turned away, even the <which> one
    Given "alice" has mistyped the password 5 times
    When I log in as "alice" with the password "<password>"
    Then it fails with RATE_LIMIT_EXCEEDED
    And the error asks to wait at most 300 seconds

    Examples:
      | which | password                     |
      | right | correct horse battery staple |
      | wrong | still not it                 |

  Scenario: a locked-out account does not lock out anyone else
    Given there is a user "bob"
    And "bob" has the password "bob's own secret"
    And "alice" has mistyped the password 5 times
    When I log in as "bob" with the password "bob's own secret"
    Then it succeeds

  Scenario: four wrong passwords are not yet a lockout
    Given "alice" has mistyped the password 4 times
    When I log in as "alice" with the password "correct horse battery staple"
    Then it succeeds

  Scenario: a new password replaces the old one
    Given I am the system
    When I set the password of "alice" to "a much better passphrase"
    Then it succeeds
    And "alice" cannot log in with the password "correct horse battery staple"
    And "alice" can log in with the password "a much better passphrase"

  @acl
  Scenario Outline: only the system sets passwords, not <caller>
    Given I am <caller>
    When I set the password of "alice" to "taken over"
    Then it fails with FORBIDDEN
    And "alice" can log in with the password "correct horse battery staple"

    Examples:
      | caller     |
      | anonymous  |
      | a user     |
      | an admin   |
      | a supergod |

  Scenario: an empty password is refused
    Given I am the system
    When I set the password of "alice" to ""
    Then it fails with VALIDATION_ERROR

  Scenario: the first login is remembered until it is done
    Given I am the system
    When I ask whether "alice" is logging in for the first time
    Then the result is true
    When I mark the first login of "alice" as done
    Then it succeeds
    When I ask whether "alice" is logging in for the first time
    Then the result is false

  Scenario: deleting the account deletes its password
    Given I am the system
    When I delete the user "alice"
    Then it succeeds
    When I log in as "alice" with the password "correct horse battery staple"
    Then it fails with UNAUTHORIZED

  Scenario: removing the password keeps the account but stops the logins
    Given I am the system
    When I remove the password of "alice"
    Then it succeeds
    And the user "alice" still exists
    And "alice" cannot log in with the password "correct horse battery staple"
