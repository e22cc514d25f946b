@packages
Feature: Installing packages
  Packages are published by name and version (each pair once) with a JSON manifest. Gods browse the
  catalogue; only supergods publish, install and uninstall, and whoever installed a package cannot be
  removed while it says so.

  Background:
    Given there is a supergod "root"
    And these packages exist:
      | name  | version | author      | manifest                                        |
      | forum | 1.0.0   | MetaBuilder | {"entry": "forum/main.lua", "pages": ["forum"]} |
      | blog  | 2.1.0   | MetaBuilder | {"entry": "blog/init.lua"}                      |

  Scenario: a supergod installs a package
    Given I am signed in as "root"
    When I install the package "forum@1.0.0"
    Then it succeeds
    And the package "forum@1.0.0" has:
      | isInstalled | true      |
      | installedBy | $root     |
      | installedAt | $datetime |

  Scenario: an uninstalled package forgets who installed it
    Given I am signed in as "root"
    When I install the package "forum@1.0.0"
    And I uninstall the package "forum@1.0.0"
    Then it succeeds
    And the package "forum@1.0.0" has:
      | isInstalled | false |
      | installedBy | null  |

  Scenario: a new version is a package of its own
    Given I am signed in as "root"
    When I create a package "forum@1.1.0" with:
      """json
      { "version": "1.1.0", "author": "MetaBuilder", "manifest": { "entry": "forum/main.lua" } }
      """
    Then it succeeds
    And there are 3 packages

  Scenario: the same version cannot be published twice
    Given I am signed in as "root"
    When I create a package "forum@1.0.0" with:
      """json
      { "version": "1.0.0", "author": "Someone Else", "manifest": {} }
      """
    Then it fails with CONFLICT
    And there are 2 packages

  Scenario Outline: a version is major.minor.patch, so "<version>" is refused
    Given I am signed in as "root"
    When I create a package "forum@next" with:
      """json
      { "version": "<version>", "author": "MetaBuilder", "manifest": {} }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "version"

    Examples:
      | version    |
      | 1.0        |
      | v1.0.0     |
      | 1.0.0-beta |
      | latest     |

  Scenario: a manifest is an object
    Given I am signed in as "root"
    When I create a package "chat@0.1.0" with:
      """json
      { "version": "0.1.0", "author": "MetaBuilder", "manifest": ["chat.lua"] }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "manifest"

  @acl
  Scenario Outline: only supergods install: <caller> <verdict>
    Given I am <caller>
    When I install the package "forum@1.0.0"
    Then it <outcome>

    Examples:
      | caller     | verdict  | outcome              |
      | an admin   | may not  | fails with FORBIDDEN |
      | a god      | may not  | fails with FORBIDDEN |
      | a supergod | may      | succeeds             |

  @acl
  Scenario Outline: gods browse the catalogue; <caller> <verdict>
    Given I am <caller>
    When I list the packages sorted by name ascending
    Then it <outcome>

    Examples:
      | caller     | verdict    | outcome              |
      | anonymous  | cannot     | fails with FORBIDDEN |
      | a user     | cannot     | fails with FORBIDDEN |
      | an admin   | cannot     | fails with FORBIDDEN |
      | a god      | can        | succeeds             |
      | a supergod | can        | succeeds             |

  Scenario: the installed packages
    Given I am signed in as "root"
    When I install the package "blog@2.1.0"
    And I list the packages with:
      """json
      { "filter": { "isInstalled": true } }
      """
    Then the result lists "blog@2.1.0"

  @jsonQueries
  Scenario: packages found by what their manifest says
    Given I am signed in as "root"
    When I list the packages with:
      """json
      { "filter": { "manifest.entry": { "$endsWith": "init.lua" } } }
      """
    Then the result lists "blog@2.1.0"

  Scenario: whoever installed a package stays until it is uninstalled
    Given I am signed in as "root"
    And I install the package "forum@1.0.0"
    And I am the system
    When I delete the user "root"
    Then it fails with CONFLICT
    Given I am signed in as "root"
    And I uninstall the package "forum@1.0.0"
    And I am the system
    When I delete the user "root"
    Then it succeeds

  Scenario: a package cannot be installed by someone who does not exist
    Given I am signed in as "root"
    When I update the package "forum@1.0.0" with:
      """json
      { "isInstalled": true, "installedBy": "4b0f7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b" }
      """
    Then it fails with VALIDATION_ERROR
    And the error names the field "installedBy"
