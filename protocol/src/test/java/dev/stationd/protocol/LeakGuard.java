package dev.stationd.protocol;

import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty finds, after it ran, a buffer that was garbage-collected without
 * being released. Netty only logs such leaks, and only once the collector happened to run, so a
 * leak would otherwise pass every test: after each class this collects, lets the reference handler
 * finish, makes the detector look, and fails with the leak's access records (a leak found here may
 * have been made by an earlier class: the records say where the buffer was used).
 *
 * <p>Registered for every test class by the JUnit Platform's extension auto-detection (switched
 * on for the unit tests in the parent pom). It must be loaded before Netty's buffer classes make
 * their detector, which auto-detection does: extensions are created before the first test class.
 */
public final class LeakGuard implements AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Recording());
    }

    /**
     * Netty's detectors, each telling {@link #LEAKS} what it finds instead of logging it: the class
     * fails with the same records, and the leak {@code LeakGuardTest} makes on purpose is no error
     * in the build's log.
     */
    private static final class Recording extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    // the listener has it
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    // the listener has it
                }
            };
            detector.setLeakListener((type, records) -> LEAKS.add(type + " leaked; its last uses:\n" + records));
            return detector;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer(s) garbage-collected without release() (found after "
                    + context.getDisplayName() + "):\n" + String.join("\n", leaks));
        }
    }

    /**
     * Finds the leaks of every tracked buffer that is unreachable now, and forgets them.
     *
     * @return the leak reports, empty if none
     */
    public static List<String> collect() {
        // Two collections, each awaited through a reference of its own: the reference handler works
        // through one collection's references before the next's, so after the second sentinel the
        // first collection's leaked buffers are all in the detector's queue.
        awaitCollection();
        awaitCollection();
        Unpooled.directBuffer(1).release(); // tracking a new buffer makes the detector poll its queue
        List<String> found = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            found.add(leak);
        }
        return found;
    }

    private static void awaitCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        long deadline = System.nanoTime() + WAIT_NANOS;
        try {
            do {
                System.gc();
                if (queue.remove(100) == sentinel) {
                    return;
                }
            } while (System.nanoTime() < deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no garbage collection within 10 s: cannot tell whether buffers leaked");
    }
}
