/**
 * The story every kata tells: a handler lists a user's friends by asking the friend service for
 * their ids and the profile service for each friend's profile; a dashboard asks the profile and
 * order services at once. Kata code depends on these interfaces only; the tests drive fakes of
 * them (in the support module) with gates, latencies and failures.
 */
package errgroupkatas.story;
