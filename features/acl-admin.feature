@acl
Feature: What an admin may do
  Admins manage the accounts of everyone ranked at most as high as they are: they see all accounts,
  promote up to their own rank and remove users, but cannot touch gods or supergods, nor their own
  role.

  Background:
    Given there is a user "carol"
    And there is an admin "ada"
    And there is a god "zeus"
    And there is a supergod "root"
    And I am signed in as "ada"

  Scenario: an admin sees every account
    When I list the users sorted by username ascending
    Then the result lists "ada, carol, root, zeus"

  Scenario: an admin promotes a user to admin, not beyond
    When I change the role of "carol" to admin
    Then it succeeds
    When I change the role of "carol" to god
    Then it fails with FORBIDDEN
    And the user "carol" has:
      | role | admin |

  Scenario Outline: an admin cannot touch a <rank>
    When I change the email of "<target>" to "taken@example.com"
    Then it fails with FORBIDDEN
    When I delete the user "<target>"
    Then it fails with FORBIDDEN
    And the user "<target>" still exists

    Examples:
      | rank     | target |
      | god      | zeus   |
      | supergod | root   |

  Scenario: an admin cannot change their own role, even downwards
    When I change the role of "ada" to user
    Then it fails with FORBIDDEN

  Scenario: a bulk delete passes over the accounts above the admin
    When I delete every user where role is "supergod"
    Then the result is 0
    And the user "root" still exists

  Scenario: an admin removes a user
    When I delete the user "carol"
    Then it succeeds
    And the user "carol" no longer exists
