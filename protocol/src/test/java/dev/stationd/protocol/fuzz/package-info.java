/**
 * Jazzer fuzz tests of the decoders that face untrusted bytes: {@code CommandStreamFuzzTest}
 * (the command stream: frame decoder + command decoder, arbitrary chunking) and
 * {@code StaEventDatagramFuzzTest} (ingest datagrams). The daemon module has
 * {@code dev.stationd.daemon.fuzz.FilterFileFuzzTest} (the state file parser).
 *
 * <p>In every {@code mvn verify} they run in Jazzer's regression mode: each input of the corpus in
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/} is replayed (a second or so).
 *
 * <p>Fuzz one test for its {@code maxDuration} (10 s), keeping new inputs in
 * {@code .cifuzz-corpus/}:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B test -pl protocol -Dtest=CommandStreamFuzzTest
 * JAZZER_FUZZ=1 mvn -B test -pl protocol -Dtest=StaEventDatagramFuzzTest
 * JAZZER_FUZZ=1 mvn -B test -pl daemon -am -Dtest=FilterFileFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>A long run (here one hour) with the Jazzer driver, any duration:
 * <pre>
 * mvn -B -q -pl protocol test-compile
 * mvn -B -q -pl protocol dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz.cp
 * mkdir -p target/corpus
 * java -cp protocol/target/test-classes:protocol/target/classes:$(cat protocol/target/fuzz.cp) \
 *   com.code_intelligence.jazzer.Jazzer --target_class=dev.stationd.protocol.fuzz.CommandStreamFuzzTest \
 *   --instrumentation_includes='dev.stationd.**' -max_total_time=3600 \
 *   target/corpus protocol/src/test/resources/dev/stationd/protocol/fuzz/CommandStreamFuzzTestInputs/commandStream
 * </pre>
 * A finding is written as {@code crash-*}; copy it into the Inputs directory so that it is
 * replayed by every build from then on.
 */
package dev.stationd.protocol.fuzz;
