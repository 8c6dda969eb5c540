package dev.stationd.daemon.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.table.FilterSet;
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
        assertEquals(FilterSet.empty().with(0, A).with(8, B).with(9, B), onDisk());

        assertEquals(FilterResult.OK, await(service.flush(8)));
        assertEquals(FilterSet.empty().with(0, A).with(9, B), onDisk());
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
        assertEquals(FilterSet.empty().with(1, C).with(5, A), onDisk());
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
        assertEquals(before.with(2, B), onDisk());
    }

    @Test
    void realFilesystemFailure() throws Exception {
        assertEquals(FilterResult.OK, await(service.add(1, A)));
        Files.createDirectories(dir.resolve("filters.conf.tmp").resolve("x")); // blocks the temp file
        ExecutionException e = assertThrows(ExecutionException.class, () -> service.add(2, A).get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(FilterSet.empty().with(1, A), service.current());
        assertEquals(FilterSet.empty().with(1, A), onDisk());
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
            assertEquals(FilterSet.empty().with(4, C), again.current());
        }
        Files.writeString(dir.resolve("filters.conf"), "garbage\n");
        assertThrows(StateFileException.class, () -> FilterService.open(new FilterFile(dir), 10, s -> { }));
    }
}
