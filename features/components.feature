@components
Feature: Building and reshaping a component tree
  A page is built from components, each under a parent on the same page or at the top, in an order.
  The tree comes back nested and sorted at every level; components move and reorder, but never into
  themselves or onto another page. Admins look at trees, gods build them.

  Background:
    Given there is a page "home" at level 1
    And the page "home" has these components:
      | name   | type      | parent | order |
      | header | Header    |        | 0     |
      | logo   | Image     | header | 0     |
      | menu   | Nav       | header | 1     |
      | body   | Container |        | 1     |
      | hero   | Hero      | body   | 0     |
      | footer | Footer    |        | 2     |

  Scenario: the tree shows every component under its parent, in order
    Then the component tree of the page "home" is:
      """
      header
        logo
        menu
      body
        hero
      footer
      """

  Scenario: reordering puts the footer first
    Given I am a god
    When I reorder the components:
      | component | order |
      | footer    | 0     |
      | header    | 1     |
      | body      | 2     |
    Then it succeeds
    And the component tree of the page "home" is:
      """
      footer
      header
        logo
        menu
      body
        hero
      """

  Scenario: a component moves under another parent
    Given I am a god
    When I move the component "menu" under "body" at position 1
    Then it succeeds
    And the component tree of the page "home" is:
      """
      header
        logo
      body
        hero
        menu
      footer
      """

  Scenario: a component moves to the top level with what is under it
    Given I am a god
    When I move the component "body" under "header" at position 2
    Then it succeeds
    When I move the component "body" to the top level at position 3
    Then it succeeds
    And the component tree of the page "home" is:
      """
      header
        logo
        menu
      footer
      body
        hero
      """

  Scenario Outline: a component cannot go inside itself: <component> under <parent>
    Given I am a god
    When I move the component "<component>" under "<parent>" at position 0
    Then it fails with VALIDATION_ERROR
    And the component tree of the page "home" is:
      """
      header
        logo
        menu
      body
        hero
      footer
      """

    Examples:
      | component | parent |
      | header    | header |
      | header    | logo   |
      | body      | hero   |

  Scenario: a component cannot move onto another page
    Given there is a page "about" at level 1
    And the page "about" has these components:
      | name    | type  | parent | order |
      | sidebar | Aside |        | 0     |
    And I am a god
    When I move the component "logo" under "sidebar" at position 0
    Then it fails with VALIDATION_ERROR
    And the component tree of the page "about" is:
      """
      sidebar
      """

  Scenario: removing a component removes everything under it
    Given I am a god
    When I delete the component "header"
    Then it succeeds
    And the component "logo" no longer exists
    And the component tree of the page "home" is:
      """
      body
        hero
      footer
      """

  Scenario: deleting the page deletes its whole tree
    Given I am the system
    When I delete the page "home"
    Then it succeeds
    And there are 0 components

  Scenario: a reorder naming a missing component changes nothing
    Given I am a god
    And I delete the component "hero"
    When I reorder the components:
      | component | order |
      | footer    | 0     |
      | hero      | 1     |
    Then it fails with NOT_FOUND
    And the component tree of the page "home" is:
      """
      header
        logo
        menu
      body
      footer
      """

  @acl
  Scenario: admins look at trees, gods build them
    Given I am an admin
    When I ask for the component tree of the page "home"
    Then it succeeds
    And the result has 3 items
    When I add a "Banner" component "promo" to the page "home" at position 3
    Then it fails with FORBIDDEN
    Given I am a god
    When I add a "Banner" component "promo" to the page "home" at position 3
    Then it succeeds
    And there are 7 components

  @acl
  Scenario: plain users do not see how pages are built
    Given I am a user
    When I ask for the component tree of the page "home"
    Then it fails with FORBIDDEN

  Scenario: a god builds a new page from scratch
    Given I am a god
    When I create a page "landing" at level 1
    And I add a "Header" component "top" to the page "landing" at position 0
    And I add a "Text" component "headline" under "top" at position 0
    And I add a "Button" component "signup" under "top" at position 1
    And I add a "Footer" component "bottom" to the page "landing" at position 1
    Then it succeeds
    And the component tree of the page "landing" is:
      """
      top
        headline
        signup
      bottom
      """

  Scenario: a component's properties come back exactly
    Given I am a god
    When I create a component "buy" with:
      """json
      {
        "pageId": "$home",
        "parentId": "$body",
        "componentType": "Button",
        "order": 1,
        "props": { "label": "Buy ✓", "size": 2, "disabled": false, "style": { "color": null }, "tags": ["cta", "primary"] }
      }
      """
    Then it succeeds
    When I read the component "buy"
    Then the result is:
      """json
      { "props": { "label": "Buy ✓", "size": 2, "disabled": false, "style": { "color": null }, "tags": ["cta", "primary"] } }
      """
