@paging
Feature: Paging and sorting a long list
  A list comes back a page at a time: 20 rows unless asked otherwise, at most 100 (sessions 50 and
  200), with the total and whether more follow. Sorting is by code point, never by locale, with
  empty values first when ascending and the id as the last tie-breaker, so pages never overlap.

  Background:
    Given 45 users have signed up as "member-##"
    And I am the system

  Scenario: the first page of a long list
    When I list page 1 of the users sorted by username ascending, 20 per page
    Then the result has 20 items
    And the result starts with "member-01, member-02, member-03"
    And the result ends with "member-20"
    And the total is 45
    And there are more results

  Scenario Outline: page <page> of three
    When I list page <page> of the users sorted by username ascending, 20 per page
    Then the result has <count> items
    And the result starts with "<first>"
    And the result ends with "<last>"
    And the total is 45

    Examples:
      | page | count | first     | last      |
      | 1    | 20    | member-01 | member-20 |
      | 2    | 20    | member-21 | member-40 |
      | 3    | 5     | member-41 | member-45 |

  Scenario: the last page says nothing follows
    When I list page 3 of the users sorted by username ascending, 20 per page
    Then there are no more results

  Scenario: a page past the end is empty but still knows the total
    When I list page 4 of the users sorted by username ascending, 20 per page
    Then the result has 0 items
    And the total is 45
    And there are no more results

  Scenario: newest names first
    When I list page 1 of the users sorted by username descending, 10 per page
    Then the result lists "member-45, member-44, member-43, member-42, member-41, member-40, member-39, member-38, member-37, member-36"

  Scenario: twenty to a page unless asked otherwise
    When I list the users with:
      """json
      { "sort": { "username": "asc" } }
      """
    Then the result has 20 items
    And the result ends with "member-20"
    And the total is 45

  Scenario Outline: at most <max> <things> to a page
    When I list the <things> with:
      """json
      { "limit": <limit>, "sort": { "<by>": "asc" } }
      """
    Then it <outcome>

    Examples:
      | things   | max | limit | by       | outcome                     |
      | users    | 100 | 100   | username | succeeds                    |
      | users    | 100 | 101   | username | fails with VALIDATION_ERROR |
      | sessions | 200 | 200   | token    | succeeds                    |
      | sessions | 200 | 201   | token    | fails with VALIDATION_ERROR |

  Scenario: pages are counted from 1
    When I list the users with:
      """json
      { "page": 0 }
      """
    Then it fails with VALIDATION_ERROR

  Scenario: sorting by role, then by name
    Given there is an admin "zed"
    And there is an admin "abe"
    When I list the users with:
      """json
      { "sort": { "role": "asc", "username": "asc" }, "limit": 4 }
      """
    Then the result lists "abe, zed, member-01, member-02"

  Scenario: a filter narrows the list before it is paged
    When I list the users with:
      """json
      { "filter": { "username": { "$startsWith": "member-1" } }, "sort": { "username": "asc" }, "limit": 5 }
      """
    Then the result lists "member-10, member-11, member-12, member-13, member-14"
    And the total is 10
    And there are more results

  Scenario: search ignores case
    When I search the users for "MEMBER-4"
    Then the result lists "member-40, member-41, member-42, member-43, member-44, member-45" in any order

  Scenario: search returns at most what is asked
    When I search the users for "member", at most 5
    Then the result has 5 items

  Scenario: an unknown sort field is refused
    When I list the users sorted by shoeSize ascending
    Then it fails with VALIDATION_ERROR

  Scenario: titles sort by code point: capitals, then small letters, then accents
    Given these pages exist:
      | slug   | title  | level | layout |
      | zebra  | Zebra  | 1     | {}     |
      | apple  | apple  | 1     | {}     |
      | eclair | Éclair | 1     | {}     |
      | banana | banana | 1     | {}     |
    When I list the pages sorted by title ascending
    Then the result lists "zebra, apple, banana, eclair"

  Scenario: pages without a description come first, and last when descending
    Given these pages exist:
      | slug  | title | level | layout | description |
      | one   | One   | 1     | {}     | b           |
      | two   | Two   | 1     | {}     |             |
      | three | Three | 1     | {}     | a           |
    When I list the pages sorted by description ascending
    Then the result lists "two, three, one"
    When I list the pages sorted by description descending
    Then the result lists "one, three, two"
