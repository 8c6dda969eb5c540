package dev.stationd.daemon.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.FilterSet.Filter;
import dev.stationd.daemon.table.FilterSet.Lifetime;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FilterServiceTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    private static final MacAddress C = MacAddress.parse("02:00:00:00:00:0c");

    @TempDir
    Path dir;
    private final List<FilterSet> published = new CopyOnWriteArrayList<>();
    private final List<String> publishThreads = new CopyOnWriteArrayList<>();
    private GatedFile file;
    private FilterService service;

    /**
     * A real FilterFile whose save can be held at a gate (to force requests into one batch) or
     * made to fail.
     */
    static final class GatedFile extends FilterFile {
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);
        final AtomicBoolean fail = new AtomicBoolean();

        GatedFile(Path dir) {
            super(dir);
        }

        @Override
        public void save(FilterSet filters) throws IOException {
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("gate never opened");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (fail.get()) {
                throw new IOException("injected: disk full");
            }
            super.save(filters);
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static MacAddress mac(int n) {
        return new MacAddress(0x0600_0000_0000L + n);
    }

    @BeforeEach
    void setUp() throws IOException {
        file = new GatedFile(dir);
        service = FilterService.open(file, 1000, s -> {
            published.add(s);
            publishThreads.add(Thread.currentThread().getName());
        });
    }

    @AfterEach
    void tearDown() {
        file.gate = new CountDownLatch(0);
        service.close();
    }

    private FilterSet onDisk() throws IOException {
        return new FilterFile(dir).load();
    }

    @Test
    void initialSetIsPublished() {
        assertEquals(List.of(FilterSet.empty()), published);
        assertEquals(FilterSet.empty(), service.current());
    }

    @Test
    void addDelFlushAreDurableBeforeTheyComplete() throws Exception {
        assertEquals(FilterResult.OK, await(service.add(7, A)));
        assertTrue(service.current().contains(7, A));
        assertEquals(service.current(), onDisk(), "durable when the future completes");
        assertSame(service.current(), published.get(published.size() - 1), "published before completion");
        assertEquals(FilterService.THREAD_NAME, publishThreads.get(publishThreads.size() - 1));

        assertEquals(FilterResult.OK, await(service.add(7, A)), "idempotent");
        assertEquals(FilterResult.OK, await(service.add(0, A)));
        assertEquals(FilterResult.OK, await(service.add(8, B)));
        assertEquals(FilterResult.OK, await(service.add(9, B)));
        assertEquals(4, onDisk().size());

        assertEquals(FilterResult.OK, await(service.del(7, A)));
        assertEquals(FilterResult.NOENT, await(service.del(7, A)));
        assertEquals(FilterResult.NOENT, await(service.del(1, C)));
        assertEquals(FilterSet.empty().with(0, A).with(8, B).with(9, B).sorted(), onDisk().sorted());

        assertEquals(FilterResult.OK, await(service.flush(8)));
        assertEquals(FilterSet.empty().with(0, A).with(9, B).sorted(), onDisk().sorted());
        assertEquals(FilterResult.OK, await(service.flush(0)));
        assertEquals(FilterSet.empty(), onDisk());
        assertEquals(FilterSet.empty(), service.current());
        assertEquals(FilterResult.OK, await(service.flush(0)), "flushing nothing is fine");
    }

    /** The commit observer (the metrics' latency histogram) hears each save, timed around it, before the ACK. */
    @Test
    void eachCommitIsTimedAroundItsSave() throws Exception {
        List<Long> timed = new CopyOnWriteArrayList<>();
        service.onCommit(timed::add);
        file.gate = new CountDownLatch(1);
        CompletableFuture<FilterResult> add = service.add(1, A);
        assertTrue(file.entered.await(30, TimeUnit.SECONDS));
        Thread.sleep(20); // the save is held at least this long: the time measured must include it
        file.gate.countDown();
        assertEquals(FilterResult.OK, await(add));
        assertEquals(1, timed.size(), "observed before the future completed");
        assertTrue(timed.get(0) >= 20_000_000L, "took " + timed.get(0) + " ns");
        assertEquals(FilterResult.NOENT, await(service.del(1, B)));
        assertEquals(1, timed.size(), "a batch that changes nothing saves nothing and times nothing");
    }

    @Test
    void noOpBatchesDoNotWrite() throws Exception {
        long commits = service.commits();
        assertEquals(FilterResult.NOENT, await(service.del(1, A)));
        assertEquals(FilterResult.OK, await(service.flush(3)));
        assertEquals(commits, service.commits());
        assertTrue(Files.notExists(file.path()), "nothing was ever written");
    }

    @Test
    void fullButIdempotentAddStillOk() throws Exception {
        service.setMaxFilters(2);
        assertEquals(2, service.maxFilters());
        assertEquals(FilterResult.OK, await(service.add(1, A)));
        assertEquals(FilterResult.OK, await(service.add(1, B)));
        assertEquals(FilterResult.FULL, await(service.add(1, C)));
        assertEquals(FilterResult.FULL, await(service.add(2, A)));
        assertEquals(FilterResult.OK, await(service.add(1, A)), "already present: OK at the limit");
        assertEquals(2, onDisk().size());
        service.setMaxFilters(1); // lowering keeps what is there
        assertEquals(2, service.current().size());
        assertEquals(FilterResult.OK, await(service.del(1, A)));
        assertEquals(FilterResult.FULL, await(service.add(1, C)));
        service.setMaxFilters(3);
        assertEquals(FilterResult.OK, await(service.add(1, C)));
        assertThrows(IllegalArgumentException.class, () -> service.setMaxFilters(0));
    }

    @Test
    void batchResultsFollowRequestOrder() throws Exception {
        file.gate = new CountDownLatch(1);
        file.entered = new CountDownLatch(1);
        CompletableFuture<FilterResult> first = service.add(1, C);
        assertTrue(file.entered.await(30, TimeUnit.SECONDS)); // the writer is now inside save()
        List<CompletableFuture<FilterResult>> batch = List.of(
                service.add(5, A), service.del(5, A), service.del(5, A), service.add(5, A),
                service.add(6, B), service.add(6, B), service.flush(6), service.del(6, B));
        long commitsBefore = service.commits();
        file.gate.countDown();
        assertEquals(FilterResult.OK, await(first));
        List<FilterResult> results = new ArrayList<>();
        for (CompletableFuture<FilterResult> f : batch) {
            results.add(await(f));
        }
        assertEquals(List.of(FilterResult.OK, FilterResult.OK, FilterResult.NOENT, FilterResult.OK,
                FilterResult.OK, FilterResult.OK, FilterResult.OK, FilterResult.NOENT), results);
        assertEquals(commitsBefore + 2, service.commits(), "the 8 requests were one commit");
        assertEquals(FilterSet.empty().with(1, C).with(5, A).sorted(), onDisk().sorted());
    }

    @Test
    void groupCommitOfConcurrentAdds() throws Exception {
        int threads = 8;
        int perThread = 125;
        // hold the first save until every request is queued, so grouping is certain
        file.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<CompletableFuture<FilterResult>>>> submitted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            submitted.add(pool.submit(() -> {
                go.await();
                List<CompletableFuture<FilterResult>> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    mine.add(service.add(base % 3, mac(base + i)));
                }
                return mine;
            }));
        }
        go.countDown();
        List<CompletableFuture<FilterResult>> all = new ArrayList<>();
        for (Future<List<CompletableFuture<FilterResult>>> f : submitted) {
            all.addAll(f.get(30, TimeUnit.SECONDS)); // submitting never waited for the (blocked) writer
        }
        pool.shutdown();
        file.gate.countDown();
        for (CompletableFuture<FilterResult> f : all) {
            assertEquals(FilterResult.OK, await(f));
        }
        assertEquals(1000, service.current().size());
        assertEquals(service.current(), onDisk());
        assertEquals(1000, service.requests());
        assertTrue(service.commits() < 1000, "commits: " + service.commits());
        assertTrue(service.commits() <= 2, "commits: " + service.commits());
        assertEquals(service.batches(), service.commits());
    }

    @Test
    void groupCommitWithoutGate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<CompletableFuture<FilterResult>>>> submitted = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 250;
            submitted.add(pool.submit(() -> {
                List<CompletableFuture<FilterResult>> mine = new ArrayList<>();
                for (int i = 0; i < 250; i++) {
                    mine.add(service.add(0, mac(10_000 + base + i)));
                }
                return mine;
            }));
        }
        for (Future<List<CompletableFuture<FilterResult>>> f : submitted) {
            for (CompletableFuture<FilterResult> r : f.get(30, TimeUnit.SECONDS)) {
                assertEquals(FilterResult.OK, await(r));
            }
        }
        pool.shutdown();
        assertEquals(1000, onDisk().size());
        assertTrue(service.commits() < 1000, "commits: " + service.commits());
    }

    @Test
    void saveFailureFailsTheBatchAndKeepsTheOldSet() throws Exception {
        assertEquals(FilterResult.OK, await(service.add(1, A)));
        FilterSet before = service.current();
        int publishedBefore = published.size();
        file.fail.set(true);
        CompletableFuture<FilterResult> add = service.add(2, B);
        ExecutionException e = assertThrows(ExecutionException.class, () -> add.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertSame(before, service.current(), "nothing visible unless durable");
        assertEquals(before, onDisk());
        assertEquals(publishedBefore, published.size(), "nothing published");
        assertEquals(1, service.failures());
        assertThrows(ExecutionException.class, () -> service.del(1, A).get(30, TimeUnit.SECONDS));
        assertTrue(service.current().contains(1, A));

        file.fail.set(false); // the disk recovers: the service keeps working
        assertEquals(FilterResult.OK, await(service.add(2, B)));
        assertEquals(before.with(2, B).sorted(), onDisk().sorted());
    }

    @Test
    void realFilesystemFailure() throws Exception {
        assertEquals(FilterResult.OK, await(service.add(1, A)));
        Files.createDirectories(dir.resolve("filters.conf.tmp").resolve("x")); // blocks the temp file
        ExecutionException e = assertThrows(ExecutionException.class, () -> service.add(2, A).get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(FilterSet.empty().with(1, A).sorted(), service.current().sorted());
        assertEquals(FilterSet.empty().with(1, A).sorted(), onDisk().sorted());
    }

    @Test
    void badArgumentsFailFast() {
        assertTrue(service.add(1, MacAddress.ZERO).isCompletedExceptionally());
        assertTrue(service.add(1, null).isCompletedExceptionally());
        assertTrue(service.del(1, null).isCompletedExceptionally());
    }

    @Test
    void closeDrainsPendingRequestsThenRefusesNewOnes() throws Exception {
        file.gate = new CountDownLatch(1);
        file.entered = new CountDownLatch(1);
        CompletableFuture<FilterResult> first = service.add(1, A);
        assertTrue(file.entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<FilterResult> queued = service.add(1, B);
        CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(() -> service.close(Duration.ofSeconds(30)));
        // requests after close() has begun are refused at once
        while (!closing.isDone()) {
            CompletableFuture<FilterResult> late = service.add(1, C);
            if (late.isCompletedExceptionally()) {
                ExecutionException e = assertThrows(ExecutionException.class, late::get);
                assertInstanceOf(IllegalStateException.class, e.getCause());
                break;
            }
            // accepted before close(): it must still complete normally
            file.gate.countDown();
            assertEquals(FilterResult.OK, await(late));
        }
        file.gate.countDown();
        assertTrue(await(closing));
        assertEquals(FilterResult.OK, await(first));
        assertEquals(FilterResult.OK, await(queued), "queued before close: processed, not dropped");
        assertTrue(onDisk().contains(1, B));
        assertTrue(service.close(Duration.ofSeconds(1)), "idempotent");
        assertTrue(service.flush(0).isCompletedExceptionally());
    }

    @Test
    void openLoadsTheExistingFile() throws Exception {
        assertEquals(FilterResult.OK, await(service.add(4, C)));
        service.close();
        try (FilterService again = FilterService.open(new FilterFile(dir), 10, s -> { })) {
            assertEquals(FilterSet.empty().with(4, C).sorted(), again.current().sorted());
        }
        Files.writeString(dir.resolve("filters.conf"), "garbage\n");
        assertThrows(StateFileException.class, () -> FilterService.open(new FilterFile(dir), 10, s -> { }));
    }

    // ---------------------------------------------------------------- timed filters

    /** A service on a clock the test sets; any request makes the writer sweep what is due. */
    private FilterService withClock(AtomicLong clock, int maxFilters) throws IOException {
        service.close();
        published.clear();
        return service = new FilterService(file, file.load(), maxFilters, clock::get, published::add);
    }

    /** One no-op request: its completion means every expiry due at the clock has been committed. */
    private void sweep() throws Exception {
        assertEquals(FilterResult.NOENT, await(service.del(999, C)));
    }

    @Test
    void timedAddRecordsCreationAndAbsoluteExpiryDurably() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 10);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(60))));
        assertEquals(new Lifetime(1_000_000, 1_060_000), service.current().lifetimeOf(7, A));
        assertEquals(new Lifetime(1_000_000, 1_060_000), onDisk().lifetimeOf(7, A), "durable when the future completes");
        clock.set(1_000_500);
        assertEquals(FilterResult.OK, await(service.add(8, A)));
        assertEquals(new Lifetime(1_000_500, 0), onDisk().lifetimeOf(8, A), "a permanent filter records its creation");
    }

    @Test
    void expiredFilterIsRemovedLikeADeleteAtItsExpiryNotBefore() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 10);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(10))));
        assertEquals(FilterResult.OK, await(service.add(7, B)));
        clock.set(1_009_999);
        sweep();
        assertTrue(service.current().contains(7, A), "not before its expiry");
        assertEquals(0, service.expired());
        int before = published.size();
        clock.set(1_010_000);
        sweep();
        assertFalse(service.current().contains(7, A), "gone at its expiry");
        assertTrue(service.current().contains(7, B), "the permanent filter stays");
        assertEquals(service.current(), onDisk(), "removed durably");
        assertSame(service.current(), published.get(published.size() - 1), "published like a FILTER_DEL");
        assertEquals(before + 1, published.size());
        assertEquals(1, service.expired());
        assertEquals(FilterResult.NOENT, await(service.del(7, A)));
    }

    @Test
    void reAddReplacesTheExpiryAndZeroMakesItPermanent() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 10);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(10))));
        clock.set(1_005_000);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(60)))); // extends
        assertEquals(new Lifetime(1_005_000, 1_065_000), onDisk().lifetimeOf(7, A), "the last add wins");
        clock.set(1_006_000);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(1)))); // shortens
        assertEquals(new Lifetime(1_006_000, 1_007_000), onDisk().lifetimeOf(7, A), "the last add wins, also shorter");
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ZERO)));
        assertEquals(new Lifetime(1_006_000, 0), onDisk().lifetimeOf(7, A), "0 = permanent");
        clock.set(2_000_000);
        sweep();
        assertTrue(service.current().contains(7, A), "the old expiries are void");
        long commits = service.commits();
        assertEquals(FilterResult.OK, await(service.add(7, A)), "permanent again: idempotent");
        assertEquals(commits, service.commits(), "nothing to save");
        assertEquals(0, service.expired());
    }

    @Test
    void deletedOrFlushedTimedFiltersNeverExpireLater() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 10);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(10))));
        assertEquals(FilterResult.OK, await(service.add(8, B, Duration.ofSeconds(10))));
        assertEquals(FilterResult.OK, await(service.add(9, C, Duration.ofSeconds(10))));
        assertEquals(FilterResult.OK, await(service.del(7, A)));
        assertEquals(FilterResult.OK, await(service.flush(8)));
        assertEquals(FilterResult.OK, await(service.add(7, A))); // re-added as permanent after the delete
        long commits = service.commits();
        clock.set(1_010_000);
        sweep();
        assertEquals(1, service.expired(), "only 9 C expired");
        assertEquals(commits + 1, service.commits());
        assertEquals(List.of(new Filter(7, A)), onDisk().sorted());
    }

    @Test
    void filtersThatExpiredWhileStoppedAreDroppedDurablyAtStart() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 10);
        assertEquals(FilterResult.OK, await(service.add(1, A, Duration.ofSeconds(10))));
        assertEquals(FilterResult.OK, await(service.add(2, B, Duration.ofSeconds(100))));
        assertEquals(FilterResult.OK, await(service.add(3, C)));
        service.close();
        clock.set(1_050_000); // stopped for 50 s: 1 A expired meanwhile
        published.clear();
        service = new FilterService(file, file.load(), 10, clock::get, published::add);
        assertEquals(List.of(new Filter(2, B), new Filter(3, C)), service.current().sorted());
        assertEquals(service.current(), onDisk(), "durably removed at start");
        assertEquals(List.of(service.current()), published, "the expired filter was never published");
        assertEquals(new Lifetime(1_000_000, 1_100_000), service.current().lifetimeOf(2, B), "same expiry after restart");
        assertEquals(1, service.expired());
        clock.set(1_100_000);
        sweep();
        assertEquals(List.of(new Filter(3, C)), onDisk().sorted(), "the surviving timed filter expires on time");
    }

    @Test
    void timedAddAtTheLimitIsFullWithNothingChanged() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 2);
        assertEquals(FilterResult.OK, await(service.add(1, A, Duration.ofSeconds(10))));
        assertEquals(FilterResult.OK, await(service.add(1, B)));
        FilterSet full = service.current();
        assertEquals(FilterResult.FULL, await(service.add(1, C, Duration.ofSeconds(10))));
        assertSame(full, service.current());
        assertEquals(full, onDisk());
        assertEquals(FilterResult.OK, await(service.add(1, B, Duration.ofSeconds(5))), "present: OK at the limit");
        assertEquals(new Lifetime(1_000_000, 1_005_000), onDisk().lifetimeOf(1, B));
    }

    @Test
    void banIsAllOrNothingAndNeverShortensAFilter() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 4);
        assertEquals(FilterResult.OK, await(service.add(1, A)));                          // permanent
        assertEquals(FilterResult.OK, await(service.add(1, B, Duration.ofSeconds(600)))); // ends later than the ban
        assertEquals(FilterResult.OK, await(service.add(2, B, Duration.ofSeconds(5))));   // ends sooner
        FilterSet before = service.current();
        List<Filter> three = List.of(new Filter(1, A), new Filter(1, C), new Filter(2, C), new Filter(1, C));
        assertEquals(FilterResult.FULL, await(service.ban(three, Duration.ofSeconds(60))), "2 new, 1 free slot");
        assertSame(before, service.current(), "nothing changed");
        clock.set(1_001_000);
        List<Filter> bans = List.of(new Filter(1, A), new Filter(1, B), new Filter(2, B), new Filter(3, C),
                new Filter(3, C));
        assertEquals(FilterResult.OK, await(service.ban(bans, Duration.ofSeconds(60))), "1 new (counted once) fits");
        FilterSet after = onDisk();
        assertEquals(new Lifetime(1_000_000, 0), after.lifetimeOf(1, A), "a permanent filter stays permanent");
        assertEquals(new Lifetime(1_000_000, 1_600_000), after.lifetimeOf(1, B), "a later expiry is kept");
        assertEquals(new Lifetime(1_001_000, 1_061_000), after.lifetimeOf(2, B), "a sooner expiry is extended");
        assertEquals(new Lifetime(1_001_000, 1_061_000), after.lifetimeOf(3, C), "a new ban");
        assertTrue(service.ban(List.of(new Filter(1, A)), Duration.ZERO).isCompletedExceptionally());
    }

    @Test
    void failedSaveOfAnExpiryKeepsTheFilterUntilASaveSucceeds() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        withClock(clock, 10);
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofSeconds(1))));
        file.fail.set(true);
        clock.set(1_001_000);
        assertThrows(ExecutionException.class, () -> service.del(9, B).get(30, TimeUnit.SECONDS));
        assertTrue(service.current().contains(7, A), "not removed unless durably");
        file.fail.set(false);
        sweep();
        assertFalse(service.current().contains(7, A));
        assertEquals(service.current(), onDisk());
        assertEquals(1, service.expired());
    }

    @Test
    void theWriterExpiresOnItsOwnWithoutRequests() throws Exception {
        service.close();
        AtomicBoolean seenA = new AtomicBoolean();
        List<Long> removedAt = new CopyOnWriteArrayList<>();
        CountDownLatch empty = new CountDownLatch(1);
        service = new FilterService(file, file.load(), 10, System::currentTimeMillis, s -> {
            if (s.contains(7, A)) {
                seenA.set(true);
            } else if (seenA.get() && removedAt.isEmpty()) {
                removedAt.add(System.currentTimeMillis());
            }
            if (seenA.get() && s.isEmpty()) {
                empty.countDown();
            }
        });
        long t0 = System.currentTimeMillis();
        assertEquals(FilterResult.OK, await(service.add(7, A, Duration.ofMillis(300))));
        long expiresA = service.current().lifetimeOf(7, A).expiresMs();
        assertEquals(FilterResult.OK, await(service.add(7, B, Duration.ofMillis(600))));
        assertTrue(expiresA >= t0 + 300, "expiry is the writer's clock plus the lifetime");
        assertTrue(empty.await(20, TimeUnit.SECONDS), "both expired with no request to wake the writer");
        assertTrue(removedAt.get(0) >= expiresA, "never before its expiry: " + removedAt + " < " + expiresA);
        assertEquals(FilterSet.empty(), onDisk());
        assertEquals(2, service.expired());
    }
}
