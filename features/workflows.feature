@workflows
Feature: Workflows
  A workflow is a named automation: a trigger (manual, schedule, event or webhook), its settings and
  its steps as JSON, and an author who cannot be deleted while the workflow exists. Gods write them,
  admins read them.

  Background:
    Given there is a god "ada"
    And I am signed in as "ada"

  Scenario: a workflow keeps its steps exactly
    When I create a workflow "onboarding" with:
      """json
      {
        "trigger": "event",
        "triggerConfig": { "event": "user.created" },
        "steps": {
          "welcome": { "action": "email", "template": "welcome", "delayMinutes": 0 },
          "followUp": { "action": "email", "after": ["welcome"], "delayMinutes": 1440 }
        }
      }
      """
    Then it succeeds
    And the result is:
      """json
      {
        "name": "onboarding",
        "isActive": true,
        "createdBy": "$ada",
        "steps": {
          "welcome": { "action": "email", "template": "welcome", "delayMinutes": 0 },
          "followUp": { "action": "email", "after": ["welcome"], "delayMinutes": 1440 }
        }
      }
      """

  Scenario Outline: a workflow can start <how>
    When I create a workflow "flow" with:
      """json
      { "trigger": "<trigger>", "triggerConfig": {}, "steps": {} }
      """
    Then it succeeds

    Examples:
      | how              | trigger  |
      | by hand          | manual   |
      | on a schedule    | schedule |
      | on an event      | event    |
      | from a webhook   | webhook  |

  Scenario Outline: "<trigger>" is not a trigger
    When I create a workflow "flow" with:
      """json
      { "trigger": "<trigger>", "triggerConfig": {}, "steps": {} }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "trigger"

    Examples:
      | trigger |
      | cron    |
      | Manual  |

  Scenario: steps are an object, not a list
    When I create a workflow "flow" with:
      """json
      { "trigger": "manual", "triggerConfig": {}, "steps": ["send", "wait"] }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "steps"

  Scenario: a workflow name is taken once
    Given there is a workflow "nightly" with:
      """json
      { "trigger": "schedule", "triggerConfig": { "cron": "0 3 * * *" }, "steps": {}, "createdBy": "$ada" }
      """
    When I create a workflow "nightly" with:
      """json
      { "trigger": "manual", "triggerConfig": {}, "steps": {} }
      """
    Then it fails with CONFLICT

  Scenario: the active scheduled workflows
    Given these workflows exist:
      | name    | trigger  | triggerConfig           | steps | isActive | createdBy |
      | nightly | schedule | {"cron": "0 3 * * *"}   | {}    | true     | $ada      |
      | weekly  | schedule | {"cron": "0 4 * * 1"}   | {}    | false    | $ada      |
      | greet   | event    | {"event": "user.created"} | {}  | true     | $ada      |
    When I list the workflows with:
      """json
      { "filter": { "trigger": "schedule", "isActive": true } }
      """
    Then the result lists "nightly"

  Scenario: pausing every scheduled workflow at once
    Given these workflows exist:
      | name    | trigger  | triggerConfig         | steps | createdBy |
      | nightly | schedule | {"cron": "0 3 * * *"} | {}    | $ada      |
      | weekly  | schedule | {"cron": "0 4 * * 1"} | {}    | $ada      |
      | manual  | manual   | {}                    | {}    | $ada      |
    When I update every workflow where trigger is "schedule" with:
      """json
      { "isActive": false }
      """
    Then the result is 2
    And the workflow "manual" has:
      | isActive | true |

  @jsonQueries
  Scenario: workflows found by their trigger's settings
    Given these workflows exist:
      | name    | trigger | triggerConfig             | steps | createdBy |
      | welcome | event   | {"event": "user.created"} | {}    | $ada      |
      | goodbye | event   | {"event": "user.deleted"} | {}    | $ada      |
    When I list the workflows with:
      """json
      { "filter": { "triggerConfig.event": "user.created" } }
      """
    Then the result lists "welcome"

  Scenario: an author stays while their workflows exist
    Given I create a workflow "nightly" with:
      """json
      { "trigger": "schedule", "triggerConfig": { "cron": "0 3 * * *" }, "steps": {} }
      """
    And I am the system
    When I delete the user "ada"
    Then it fails with CONFLICT
    When I delete the workflow "nightly"
    And I delete the user "ada"
    Then it succeeds

  Scenario: a workflow needs an author who exists
    When I create a workflow "orphan" with:
      """json
      { "trigger": "manual", "triggerConfig": {}, "steps": {}, "createdBy": "9b2f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "createdBy"

  @acl
  Scenario: admins read workflows but cannot change them
    Given I create a workflow "nightly" with:
      """json
      { "trigger": "schedule", "triggerConfig": {}, "steps": {} }
      """
    And I am an admin
    When I list the workflows
    Then the result lists "nightly"
    When I update the workflow "nightly" with:
      """json
      { "isActive": false }
      """
    Then it fails with FORBIDDEN
    When I delete the workflow "nightly"
    Then it fails with FORBIDDEN
