@pages
Feature: Pages by level
  Every page has a level from 1 (public) to 5 (supergods only). Visitors see level 1, users up to 2,
  admins 3, gods 4 and supergods all five; gods and supergods build pages. A page is found by its
  slug, a lowercase path.

  Background:
    Given these pages exist:
      | slug          | title     | level | layout |
      | home          | Home      | 1     | {}     |
      | dashboard     | Dashboard | 2     | {}     |
      | admin/users   | Users     | 3     | {}     |
      | god/builder   | Builder   | 4     | {}     |
      | root/settings | Settings  | 5     | {}     |

  @acl
  Scenario Outline: <caller> sees the pages up to level <level>
    Given I am <caller>
    When I list the pages sorted by level ascending
    Then the result lists "<pages>"
    And the total is <level>

    Examples:
      | caller     | level | pages                                                      |
      | anonymous  | 1     | home                                                       |
      | a user     | 2     | home, dashboard                                            |
      | an admin   | 3     | home, dashboard, admin/users                               |
      | a god      | 4     | home, dashboard, admin/users, god/builder                  |
      | a supergod | 5     | home, dashboard, admin/users, god/builder, root/settings   |

  @acl
  Scenario Outline: a page above your level is not there for <caller>, and asking by id is refused
    Given I am <caller>
    When I open the page "<slug>"
    Then it fails with NOT_FOUND
    When I read the page "<slug>"
    Then it fails with FORBIDDEN

    Examples:
      | caller    | slug          |
      | anonymous | dashboard     |
      | a user    | admin/users   |
      | an admin  | god/builder   |
      | a god     | root/settings |

  Scenario: a page is found by its exact slug
    Given I am anonymous
    When I open the page "home"
    Then the result is:
      """json
      { "slug": "home", "title": "Home", "level": 1, "isActive": true }
      """
    When I open the page "Home"
    Then it fails with NOT_FOUND

  Scenario: the pages of one level
    Given I am the system
    When I list the pages at level 3
    Then the result lists "admin/users"

  @acl
  Scenario Outline: gods and supergods build pages; <caller> <verdict>
    Given I am <caller>
    When I create a page "new-page" at level 1
    Then it <outcome>

    Examples:
      | caller     | verdict  | outcome                |
      | a user     | does not | fails with FORBIDDEN   |
      | an admin   | does not | fails with FORBIDDEN   |
      | a god      | does     | succeeds               |
      | a supergod | does     | succeeds               |

  @acl
  Scenario: a god cannot edit a page above their level
    Given I am a god
    When I update the page "root/settings" with:
      """json
      { "title": "Mine now" }
      """
    Then it fails with FORBIDDEN
    And the page "root/settings" has:
      | title | Settings |

  Scenario Outline: a slug is a lowercase path, so "<slug>" is refused
    Given I am the system
    When I create a page "<slug>" at level 1
    Then it fails with VALIDATION_ERROR
    And the error names the field "slug"

    Examples:
      | slug     |
      | About Us |
      | ABOUT    |
      | about_us |
      | über     |

  Scenario Outline: levels run from 1 to 5, so <level> is refused
    Given I am the system
    When I create a page "odd" at level <level>
    Then it fails with VALIDATION_ERROR
    And the error names the field "level"

    Examples:
      | level |
      | 0     |
      | 6     |

  Scenario: a layout comes back exactly as it was saved
    Given I am the system
    When I create a page "landing" with:
      """json
      {
        "title": "Landing",
        "level": 1,
        "layout": {
          "rows": [{ "cols": [{ "widget": "hero", "text": "Grüße 👋 — ünïcödé" }, { "widget": "spacer" }] }],
          "spacing": 1.5,
          "sticky": null,
          "flags": [true, false]
        }
      }
      """
    Then it succeeds
    When I read the page "landing"
    Then the result is:
      """json
      {
        "layout": {
          "rows": [{ "cols": [{ "widget": "hero", "text": "Grüße 👋 — ünïcödé" }, { "widget": "spacer" }] }],
          "spacing": 1.5,
          "sticky": null,
          "flags": [true, false]
        }
      }
      """

  Scenario: a deactivated page drops out of the active ones
    Given I am the system
    When I update the page "dashboard" with:
      """json
      { "isActive": false }
      """
    Then it succeeds
    When I count the pages matching:
      """json
      { "isActive": true }
      """
    Then the result is 4

  Scenario: a slug is taken once
    Given I am the system
    When I create a page "home" at level 2
    Then it fails with CONFLICT
