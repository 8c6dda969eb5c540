package dev.stationd.daemon.hostapd;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The shared set-up of the hostapd unit tests: an event loop, a {@link ScriptedHostapd} at
 * {@code dir/wlan0} and a {@link ControlChannel} to it, whose events and failure are recorded.
 */
final class CtrlFixture implements AutoCloseable {
    final Path dir;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    final EventLoop loop = group.next();
    final List<CtrlEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> failure = new CompletableFuture<>();
    /** Also told of every event, on the loop. */
    volatile Consumer<CtrlEvent> onEvent = e -> { };
    ScriptedHostapd hostapd;
    ControlChannel channel;

    CtrlFixture(Path dir) {
        this.dir = dir;
    }

    /** @return hostapd's control socket path */
    Path ctrl() {
        return dir.resolve("wlan0");
    }

    /** Starts the scripted hostapd. @return it @throws InterruptedException if interrupted */
    ScriptedHostapd startHostapd() throws InterruptedException {
        hostapd = ScriptedHostapd.start(group, ctrl());
        return hostapd;
    }

    /**
     * Opens a channel to {@code ctrl}.
     *
     * @return completes when it is open (never if it fails: see {@link #failure})
     */
    CompletableFuture<Void> open(Path ctrl, long timeoutMs) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        ControlChannel.Listener listener = new ControlChannel.Listener() {
            @Override
            public void onEvent(CtrlEvent event) {
                events.add(event);
                onEvent.accept(event);
            }

            @Override
            public void onFailure(ControlChannel ch, String reason) {
                failure.complete(reason);
            }
        };
        onLoop(() -> {
            channel = new ControlChannel(loop, ctrl, dir.resolve("client"), "wlan0", listener, timeoutMs);
            channel.open(() -> opened.complete(null));
        });
        return opened;
    }

    /** Opens a channel to the scripted hostapd and waits until it is open. @throws Exception on failure */
    void openToHostapd() throws Exception {
        open(ctrl(), 2_000).get(5, TimeUnit.SECONDS);
    }

    void onLoop(Runnable r) {
        loop.submit(r).syncUninterruptibly();
    }

    /** @return the reply to {@code command} @throws Exception if none within 5 s */
    String request(String command) throws Exception {
        return submit(command).get(5, TimeUnit.SECONDS);
    }

    /** @return the reply to {@code command}, when it comes */
    CompletableFuture<String> submit(String command) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        onLoop(() -> channel.request(command, reply::complete));
        return reply;
    }

    @Override
    public void close() {
        if (channel != null) {
            onLoop(() -> channel.close(false));
        }
        if (hostapd != null) {
            hostapd.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
