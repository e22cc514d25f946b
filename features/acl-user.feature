@acl
Feature: What a signed-in user may do
  A plain user sees and edits their own account and nothing of anyone else's. However they word a
  filter, they cannot see further, and they can never raise their own role.

  Background:
    Given there is a user "alice"
    And there is a user "bob"
    And I am signed in as "alice"

  Scenario: a user sees only themselves
    When I list the users
    Then the result lists "alice"
    And the total is 1
    When I count the users
    Then the result is 1

  Scenario: a user cannot read someone else's account
    When I read the user "bob"
    Then it fails with FORBIDDEN

  Scenario: a user changes their own email
    When I change the email of "alice" to "alice@example.org"
    Then it succeeds
    And the user "alice" has:
      | email | alice@example.org |

  Scenario: a user cannot change someone else's email
    When I change the email of "bob" to "bob@evil.example"
    Then it fails with FORBIDDEN
    And the user "bob" has:
      | email | bob@example.com |

  Scenario: a user cannot promote themselves
    When I change the role of "alice" to admin
    Then it fails with FORBIDDEN
    And the user "alice" has:
      | role | user |

  Scenario: nor in bulk
    When I update every user where username is "alice" with:
      """json
      { "role": "admin" }
      """
    Then it fails with FORBIDDEN
    And the user "alice" has:
      | role | user |

  Scenario: a filter cannot widen what a user sees
    When I list the users with:
      """json
      { "filter": { "$or": [{ "username": "bob" }, { "username": "alice" }, { "$not": { "username": "alice" } }] } }
      """
    Then the result lists "alice"

  Scenario: a user cannot delete accounts, not even their own
    When I delete the user "alice"
    Then it fails with FORBIDDEN
    And the user "alice" still exists
