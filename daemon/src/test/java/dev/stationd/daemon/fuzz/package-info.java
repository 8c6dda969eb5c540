/**
 * Jazzer fuzz test of the durable state file parser ({@code FilterFileFuzzTest}); replayed from
 * {@code src/test/resources/dev/stationd/daemon/fuzz/FilterFileFuzzTestInputs/parse/} in every
 * build, fuzzed with {@code JAZZER_FUZZ=1 mvn -B test -pl daemon -am -Dtest=FilterFileFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. See {@code dev.stationd.protocol.fuzz} for the long-run
 * command (use {@code -pl daemon} and the daemon's classes).
 */
package dev.stationd.daemon.fuzz;
