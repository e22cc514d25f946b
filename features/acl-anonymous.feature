@acl
Feature: What an anonymous visitor may do
  Someone who has not signed in sees the public pages, may sign up and may try to log in. Nothing
  else: no one's account, no sessions, no changes.

  Background:
    Given there is a user "alice"
    And "alice" has the password "alice's passphrase"
    And there is a page "home" at level 1
    And there is a page "members" at level 2
    And I am anonymous

  Scenario: a visitor sees only the public pages
    When I list the pages
    Then the result lists "home"
    And the total is 1

  Scenario: a visitor may try to log in
    When I log in as "alice" with the password "alice's passphrase"
    Then it succeeds

  Scenario: a visitor does not see who has an account
    When I list the users
    Then it fails with FORBIDDEN
    When I search the users for "alice"
    Then it fails with FORBIDDEN

  Scenario Outline: a visitor cannot change what exists: <what>
    When <action>
    Then it fails with FORBIDDEN
    And the user "alice" still exists
    And the page "home" has:
      | title | home |

    Examples:
      | what               | action                                              |
      | deleting a page    | I delete the page "home"                            |
      | deleting a user    | I delete the user "alice"                           |
      | editing a profile  | I change the email of "alice" to "me@example.com"   |
      | purging sessions   | I purge the expired sessions                        |
      | creating a page    | I create a page "mine" at level 1                   |
