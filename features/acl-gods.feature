@acl
Feature: What gods and supergods may do
  Gods build the site: pages up to level 4, components, workflows and scripts, and they browse the
  packages. Supergods also publish and install packages and see every page. Neither ever sees
  sessions, and no one changes their own role.

  Scenario: a god builds pages and scripts
    Given I am a god
    When I create a page "shop" at level 4
    Then it succeeds
    When I save a script "price" with code:
      """lua
      return 42
      """
    Then it succeeds

  Scenario: a god creates gods but not supergods
    Given I am a god
    When I create the user "apprentice" with role god
    Then it succeeds
    When I create the user "overlord" with role supergod
    Then it fails with FORBIDDEN

  Scenario: a god does not see the supergods' pages
    Given there is a page "vault" at level 5
    And I am a god
    When I list the pages
    Then the result has 0 items

  Scenario: a supergod publishes and installs a package
    Given there is a supergod "root"
    And I am signed in as "root"
    When I create a package "gallery@1.0.0" with:
      """json
      { "version": "1.0.0", "author": "root", "manifest": { "entry": "gallery.lua" } }
      """
    Then it succeeds
    When I install the package "gallery@1.0.0"
    Then it succeeds

  Scenario: a supergod demotes a god
    Given there is a god "zeus"
    And I am a supergod
    When I change the role of "zeus" to admin
    Then it succeeds

  Scenario: a supergod still cannot change their own role
    Given there is a supergod "root"
    And I am signed in as "root"
    When I change the role of "root" to god
    Then it fails with FORBIDDEN

  Scenario: a supergod removes another supergod
    Given there is a supergod "root"
    And there is a supergod "old-root"
    And I am signed in as "root"
    When I delete the user "old-root"
    Then it succeeds
