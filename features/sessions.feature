@sessions
Feature: Sessions that expire
  A session ties a bearer token to a user until it expires. Once its time has passed it is gone for
  every purpose, whether or not anyone has purged it yet. Sessions and their tokens are the system's
  business alone. (The stories create sessions that have already expired: no clock is turned.)

  Background:
    Given there is a user "alice"
    And I am the system

  Scenario: a live session leads back to its user
    Given "alice" has a session "web" that expires in 2 hours
    When I resolve the token of the session "web"
    Then it succeeds
    And the result is:
      """json
      { "username": "alice", "id": "$alice" }
      """

  Scenario: a session opened at sign-in is live at once
    When I open a session "web" for "alice"
    Then it succeeds
    And the result is:
      """json
      { "userId": "$alice", "token": "session-token-web", "expiresAt": "$datetime" }
      """
    When I resolve the token of the session "web"
    Then the result is:
      """json
      { "username": "alice" }
      """

  Scenario: an expired session is invisible even before it is purged
    Given "alice" had a session "old" that expired 1 hour ago
    When I read the session "old"
    Then it fails with NOT_FOUND
    And there are 0 sessions

  Scenario: an expired token no longer signs anyone in
    Given "alice" had a session "old" that expired 1 hour ago
    When I resolve the token of the session "old"
    Then it fails with UNAUTHORIZED

  Scenario: a token nobody issued signs nobody in
    When I resolve the token "never-issued-token-0001"
    Then it fails with UNAUTHORIZED

  Scenario: purging removes what has expired and keeps what is live
    Given "alice" has a session "web" that expires in 2 hours
    And "alice" had a session "yesterday" that expired 24 hours ago
    And "alice" had a session "last-week" that expired 168 hours ago
    When I purge the expired sessions
    Then the result is 2
    And there is 1 session
    When I resolve the token of the session "web"
    Then it succeeds

  Scenario: an expired session cannot be brought back
    Given "alice" had a session "old" that expired 1 hour ago
    When I extend the session "old" by 2 hours
    Then it fails with NOT_FOUND

  Scenario: a live session can be extended
    Given "alice" has a session "web" that expires in 1 hour
    When I extend the session "web" by 24 hours
    Then it succeeds
    When I resolve the token of the session "web"
    Then it succeeds

  Scenario: deleting a user ends their sessions
    Given "alice" has a session "web" that expires in 2 hours
    When I delete the user "alice"
    Then it succeeds
    And there are 0 sessions
    When I resolve the token of the session "web"
    Then it fails with UNAUTHORIZED

  Scenario: a short token is refused
    When I open a session "weak" for "alice" with the token "short"
    Then it fails with VALIDATION_ERROR
    And the error names the field "token"

  Scenario: a token is issued only once
    Given "alice" has a session "web" that expires in 2 hours
    When I open a session "copy" for "alice" with the token "session-token-web"
    Then it fails with CONFLICT

  Scenario: a user's live sessions, without the expired ones
    Given there is a user "bob"
    And "alice" has a session "laptop" that expires in 8 hours
    And "alice" has a session "phone" that expires in 48 hours
    And "alice" had a session "old-tablet" that expired 3 hours ago
    And "bob" has a session "bobs-laptop" that expires in 8 hours
    When I list the sessions with:
      """json
      { "filter": { "userId": "$alice" }, "sort": { "expiresAt": "asc" } }
      """
    Then the result lists "laptop, phone"
    And the total is 2

  @acl
  Scenario Outline: sessions are hidden from <caller>
    Given "alice" has a session "web" that expires in 2 hours
    And I am <caller>
    When I list the sessions
    Then it fails with FORBIDDEN
    When I read the session "web"
    Then it fails with FORBIDDEN

    Examples:
      | caller     |
      | anonymous  |
      | a user     |
      | an admin   |
      | a god      |
      | a supergod |
