@transactions
Feature: All or nothing
  Several writes in one transaction are kept together or not at all: a commit keeps them, a rollback
  or a refusal along the way leaves no trace. A nested transaction can fail on its own without
  taking the outer one with it.

  Background:
    Given I am the system

  Scenario: an account and its password are created together
    When I start a transaction
    And I sign up as "alice" with email "alice@example.com"
    And I set the password of "alice" to "first passphrase"
    And I commit the transaction
    Then it succeeds
    And "alice" can log in with the password "first passphrase"

  Scenario: rolling back leaves nothing behind
    When I start a transaction
    And I sign up as "alice" with email "alice@example.com"
    And I sign up as "bob" with email "bob@example.com"
    And I roll back the transaction
    Then there are 0 users

  Scenario: a refusal along the way undoes what came before it
    Given there is a user "alice"
    When I start a transaction
    And I sign up as "bob" with email "bob@example.com"
    And I sign up as "alice" with email "second.alice@example.com"
    Then it fails with CONFLICT
    And there is 1 user
    And the user "bob" no longer exists

  Scenario: a transaction sees its own writes
    When I start a transaction
    And I sign up as "alice" with email "alice@example.com"
    And I count the users
    Then the result is 1
    When I commit the transaction
    Then there is 1 user

  Scenario: installing a bundle of packages, all or none
    Given there is a supergod "root"
    And these packages exist:
      | name  | version | author      | manifest |
      | forum | 1.0.0   | MetaBuilder | {}       |
      | blog  | 1.0.0   | MetaBuilder | {}       |
    And I am signed in as "root"
    When I start a transaction
    And I install the package "forum@1.0.0"
    And I update the package "blog@1.0.0" with:
      """json
      { "isInstalled": true, "version": "one" }
      """
    Then it fails with VALIDATION_ERROR
    And the package "forum@1.0.0" has:
      | isInstalled | false |

  @acl
  Scenario: the ACL still applies inside a transaction
    Given there is a user "alice"
    And I am signed in as "alice"
    When I start a transaction
    And I change the email of "alice" to "alice@example.org"
    And I create a page "alices-page" at level 1
    Then it fails with FORBIDDEN
    And the user "alice" has:
      | email | alice@example.com |

  @nestedTransactions
  Scenario: a nested transaction rolled back leaves the outer one to commit
    When I start a transaction
    And I sign up as "alice" with email "alice@example.com"
    And I start a nested transaction
    And I sign up as "bob" with email "bob@example.com"
    And I roll back the transaction
    And I sign up as "carol" with email "carol@example.com"
    And I commit the transaction
    Then it succeeds
    And there are 2 users
    And the user "bob" no longer exists

  @nestedTransactions
  Scenario: a refusal inside a nested transaction undoes only the nested part
    When I start a transaction
    And I sign up as "alice" with email "alice@example.com"
    And I start a nested transaction
    And I sign up as "dave" with email "dave@example.com"
    And I sign up as "alice" with email "another@example.com"
    Then it fails with CONFLICT
    When I sign up as "carol" with email "carol@example.com"
    And I commit the transaction
    Then there are 2 users
    And the user "dave" no longer exists
