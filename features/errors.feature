@errors
Feature: Errors people hit
  What goes wrong in everyday use, and what the DBAL answers: the same error code on every backend,
  the canonical message, and the details a program needs (which fields, which entity), never the
  database's own words.

  Background:
    Given there is a user "alice"
    And I am the system

  Scenario: something that is not there
    When I read the user with id "7d9e6c1a-0b2c-4d3e-9f40-1a2b3c4d5e6f"
    Then it fails with NOT_FOUND
    And the error says "Resource not found"

  Scenario Outline: an id that cannot exist is simply not found: <id>
    When I read the user with id "<id>"
    Then it fails with NOT_FOUND

    Examples:
      | id            |
      | not-an-id     |
      | 12345         |
      | ' OR 1=1 --   |

  Scenario: deleting twice
    When I delete the user "alice"
    Then the result is true
    When I delete the user "alice"
    Then it fails with NOT_FOUND

  Scenario: updating what was deleted
    Given I delete the user "alice"
    When I change the email of "alice" to "alice@example.org"
    Then it fails with NOT_FOUND

  Scenario: a filter on a field that does not exist is refused, not ignored
    When I count the users matching:
      """json
      { "shoeSize": 42 }
      """
    Then it fails with VALIDATION_ERROR

  Scenario: an operator that does not exist is refused
    When I count the users matching:
      """json
      { "username": { "$regex": ".*" } }
      """
    Then it fails with VALIDATION_ERROR

  Scenario: deleting everything needs a filter that says so
    When I delete every user matching:
      """json
      {}
      """
    Then it fails with VALIDATION_ERROR
    And there is 1 user

  Scenario: a reference to a page that does not exist names the field
    When I create a component with:
      """json
      { "pageId": "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c", "componentType": "Header" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "pageId"

  Scenario: a role that does not exist
    When I update the user "alice" with:
      """json
      { "role": "owner" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "role"

  Scenario: the creation date is not writable
    When I update the user "alice" with:
      """json
      { "createdAt": "2000-01-01T00:00:00Z" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "createdAt"

  Scenario: a bulk update of a field that does not exist
    When I update every user where username is "alice" with:
      """json
      { "nickname": "al" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "data.nickname"

  Scenario: SQL typed into a search is just text
    When I search the users for "'; DROP TABLE users; --"
    Then the result has 0 items
    And there is 1 user

  Scenario: an underscore in a search is an underscore, not a wildcard
    Given there is a user "al_ce"
    When I search the users for "l_c"
    Then the result lists "al_ce"

  Scenario: a refused write leaves the row as it was
    When I update the user "alice" with:
      """json
      { "email": "not an email", "role": "owner" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the fields "email, role"
    And the user "alice" has:
      | email | alice@example.com |
      | role  | user              |
