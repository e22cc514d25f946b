@users
Feature: Signing up
  Visitors create their own account from the sign-up form. They always start as plain users; the
  DBAL checks what they typed and says exactly which fields are wrong, all of them at once.

  Background:
    Given I am anonymous

  Scenario: a visitor signs up and becomes a plain user
    When I sign up as "alice" with email "alice@example.com"
    Then it succeeds
    And the result is:
      """json
      { "username": "alice", "email": "alice@example.com", "role": "user", "id": "$uuid", "createdAt": "$datetime" }
      """
    And there is 1 user

  @acl
  Scenario Outline: a visitor cannot sign up with a higher role
    When I create the user "mallory" with role <role>
    Then it fails with FORBIDDEN
    And there are 0 users

    Examples:
      | role     |
      | admin    |
      | god      |
      | supergod |

  Scenario: a taken username is refused
    Given there is a user "alice"
    When I sign up as "alice" with email "another@example.com"
    Then it fails with CONFLICT
    And there is 1 user

  Scenario: a taken email address is refused
    Given there is a user "alice"
    When I sign up as "alicia" with email "alice@example.com"
    Then it fails with CONFLICT

  Scenario: usernames are case-sensitive, so Alice is not alice
    Given there is a user "alice"
    When I sign up as "Alice" with email "big.alice@example.com"
    Then it succeeds
    And there are 2 users

  Scenario Outline: the form says which field is wrong: <why>
    When I sign up as "<username>" with email "<email>"
    Then it fails with VALIDATION_ERROR
    And the error names the field "<field>"

    Examples:
      | username    | email             | field    | why                       |
      | al          | al@example.com    | username | a username is 3 or more   |
      | alice smith | alice@example.com | username | no spaces in a username   |
      | alice       | alice.example.com | email    | an email has an @         |
      | alice       | alice@example     | email    | an email has a domain     |
      | alice       | alice@example.c   | email    | a top-level domain is 2+  |

  Scenario: every wrong field is named at once
    When I sign up as "a!" with email "nope"
    Then it fails with VALIDATION_ERROR
    And the error names the fields "username, email"

  Scenario: a field the form does not have is refused rather than dropped
    When I create a user "bob" with:
      """json
      { "email": "bob@example.com", "nickname": "bobby" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "nickname"

  Scenario: nobody chooses their own creation date
    When I create a user "bob" with:
      """json
      { "email": "bob@example.com", "createdAt": "2000-01-01T00:00:00Z" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "createdAt"

  @acl
  Scenario: an admin creates accounts up to their own rank
    Given I am an admin
    When I create the user "helper" with role admin
    Then it succeeds
    When I create the user "boss" with role god
    Then it fails with FORBIDDEN
