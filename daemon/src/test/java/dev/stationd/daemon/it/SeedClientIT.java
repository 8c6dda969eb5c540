package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A C client written the way the seed's {@code do_filter_notify()} is (socket, SO_SNDTIMEO,
 * connect, one write of the 64-byte {@code cloud_cmd_attr}, select with a 5 s timeout, a single
 * read, {@code strcasecmp(recv_buf, "ack")}, close), built against {@code <stationd/protocol.h>},
 * must keep working against the daemon.
 */
class SeedClientIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /**
     * The seed's client function, kept as the article has it. Deviations, each marked {@code TEST:}:
     * the socket path is a variable, the read length is kept in a global for {@code main}, and a
     * reply other than "ack" returns an error code (the seed leaves {@code ret} at 0 from connect()).
     */
    static final String SEED_CLIENT = """
            #define _DEFAULT_SOURCE
            #include <errno.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <strings.h>
            #include <unistd.h>
            #include <sys/select.h>
            #include <sys/socket.h>
            #include <sys/time.h>
            #include <sys/types.h>
            #include <sys/un.h>
            #include <stationd/protocol.h>

            #define CLI_TIME_OUT 5
            #define UNIX_SOCK_CONNECT_TIMEO 5
            #define CT_RET_SUCCESS 0
            #define CT_RET_SYS_SOCK_CREATE_ERR 11
            #define CT_RET_SYS_SOCK_CONNECT_ERR 12
            #define CT_RET_FD_WRITE_ERR 13
            #define CT_RET_FD_READ_ERR 14
            #define CT_RET_SOCK_SELECT_TIMEOUT 15
            #define CT_RET_NOT_ACK 16 /* TEST: not in the seed */
            #define log_debug(...) (fprintf(stderr, __VA_ARGS__), fputc('\\n', stderr))
            #define log_err(...) (fprintf(stderr, __VA_ARGS__), fputc('\\n', stderr))

            static const char *UNIX_DOMAIN_CLOUD; /* TEST: from argv */
            static int g_read_len = -1;           /* TEST: what the single read returned */

            int do_filter_notify(cloud_cmd_attr * attr, char * buf, int buf_len)
            {
            	int ret = 0;
            	int client_fd = -1;
            	char recv_buf[128] = {0};
            	struct sockaddr_un srv_addr;
            	int maxfd = 0;
            	int nfds = 0;
            	fd_set  rset, allset;
            	struct timeval tv;
            	struct timeval t;
            	/* Wait up to five seconds. */
            	tv.tv_sec = CLI_TIME_OUT;
            	tv.tv_usec = 0;

            	memset(&srv_addr, 0, sizeof(struct sockaddr_un));

            	client_fd = socket(AF_UNIX, SOCK_STREAM, 0);
            	log_debug("client_fd: %d\\n", client_fd);
            	printf("client_fd: %d\\n", client_fd);
            	if (-1 != client_fd)
            	{
            		t.tv_sec = UNIX_SOCK_CONNECT_TIMEO;
            		t.tv_usec = 0;
            		ret = setsockopt(client_fd, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof(t));
            		srv_addr.sun_family = AF_UNIX;
            		memcpy(srv_addr.sun_path, UNIX_DOMAIN_CLOUD, strlen(UNIX_DOMAIN_CLOUD));
            		log_debug("srv_addr.sun_path: %s\\n", srv_addr.sun_path);
            		printf("srv_addr.sun_path: %s\\n", srv_addr.sun_path);
            		ret = connect(client_fd, (struct sockaddr *)&srv_addr, sizeof(srv_addr));
            		if (-1 == ret)
            		{
            			log_err("error: %d, %s\\n", errno, strerror(errno));
            			ret = CT_RET_SYS_SOCK_CONNECT_ERR;
            			goto close_fd;
            		}
            		else
            		{
            			int write_num = 0;
            			write_num = write(client_fd, attr, sizeof(cloud_cmd_attr));
            			if (sizeof(cloud_cmd_attr) == write_num)
            			{
            				FD_ZERO(&allset);
            				FD_SET(client_fd, &allset);
            				maxfd = client_fd;
            				rset = allset;
            				nfds = select(maxfd + 1, &rset, NULL, NULL, &tv);
            				log_debug("nfds: %d\\n", nfds);
            				printf("nfds: %d\\n", nfds);
            				if (FD_ISSET(client_fd, &rset))
            				{
            					int num = 0;
            					if (NULL == buf)
            					{
            						num = read(client_fd, recv_buf, sizeof(recv_buf));
            					}
            					else
            					{
            						num = read(client_fd, buf, buf_len);
            					}
            					g_read_len = num; /* TEST */
            					if (num <= 0)
            					{
            						log_err("read %d error", client_fd);
            						ret = CT_RET_FD_READ_ERR;
            					}
            					else
            					{
            						log_debug("client_fd: %d, read length: %d", client_fd, num);
            						printf("client_fd: %d, read length: %d\\n", client_fd, num);
            						if (NULL == buf)
            						{
            							log_debug("recv_buf: %s\\n", recv_buf);
            							if (!strcasecmp(recv_buf, "ack"))
            							{
            								ret = CT_RET_SUCCESS;
            							}
            							else
            							{
            								ret = CT_RET_NOT_ACK; /* TEST */
            							}
            						}
            						else
            						{
            							// do nothing
            						}
            					}
            					goto close_fd;
            				}
            				else
            				{
            					log_err("no response from: %d", client_fd);
            					printf("no response from: %d", client_fd);
            					ret = CT_RET_SOCK_SELECT_TIMEOUT;
            					goto close_fd;
            				}
            			}
            			else
            			{
            				log_err("(%d) write to peer %s error (num: %d)", client_fd, UNIX_DOMAIN_CLOUD, ret);
            				printf("(%d) write to peer %s error (num: %d)", client_fd, UNIX_DOMAIN_CLOUD, ret);
            				ret = CT_RET_FD_WRITE_ERR;
            				goto close_fd;
            			}
            		}
            	}
            	else
            	{
            		log_err("create Unix socket error");
            		printf("create Unix socket error");
            		ret = CT_RET_SYS_SOCK_CREATE_ERR;
            	}

            	return ret;
            close_fd:
            	close(client_fd);
            	client_fd = -1;
            	return ret;
            }

            static int parse_mac(const char *s, uint8_t mac[6])
            {
            	unsigned int b[6];
            	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
            		return -1;
            	for (int i = 0; i < 6; i++)
            		mac[i] = (uint8_t)b[i];
            	return 0;
            }

            static void print_mac(const char *what, const uint8_t mac[6])
            {
            	printf("%s=%02x:%02x:%02x:%02x:%02x:%02x\\n", what, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
            }

            int main(int argc, char **argv)
            {
            	cloud_cmd_attr attr;
            	if (argc < 4) {
            		fprintf(stderr, "usage: %s SOCKET add|del MAC [GROUP] | %s SOCKET list N\\n", argv[0], argv[0]);
            		return 2;
            	}
            	UNIX_DOMAIN_CLOUD = argv[1];
            	memset(&attr, 0, sizeof(attr));
            	attr.magic = STATIOND_CMD_MAGIC;
            	attr.version = STATIOND_PROTOCOL_VERSION;
            	attr.seq = 42;
            	if (!strcmp(argv[2], "add") || !strcmp(argv[2], "del")) {
            		attr.cmd = !strcmp(argv[2], "add") ? STATIOND_CMD_FILTER_ADD : STATIOND_CMD_FILTER_DEL;
            		if (parse_mac(argv[3], attr.mac) != 0) {
            			fprintf(stderr, "bad MAC %s\\n", argv[3]);
            			return 2;
            		}
            		attr.group_id = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;
            		int ret = do_filter_notify(&attr, NULL, 0);
            		printf("RESULT ret=%d read=%d\\n", ret, g_read_len);
            		return ret == CT_RET_SUCCESS && g_read_len == STATIOND_ACK_LEN ? 0 : 1;
            	}
            	if (!strcmp(argv[2], "list")) {
            		int want = atoi(argv[3]);
            		int buf_len = (int)(sizeof(int) + (size_t)want * sizeof(sta_list_attr)) + 4096;
            		char *buf = calloc(1, (size_t)buf_len);
            		int num = 0;
            		attr.cmd = STATIOND_CMD_STA_LIST;
            		int ret = do_filter_notify(&attr, buf, buf_len);
            		memcpy(&num, buf, sizeof(int));
            		printf("RESULT ret=%d read=%d num=%d\\n", ret, g_read_len, num);
            		if (ret != CT_RET_SUCCESS || num != want
            		    || g_read_len != (int)(sizeof(int) + (size_t)num * sizeof(sta_list_attr)))
            			return 1;
            		sta_list_attr *sta = (sta_list_attr *)(buf + sizeof(int));
            		for (int i = 1; i < num; i++) {
            			if (memcmp(sta[i - 1].mac, sta[i].mac, 6) >= 0) {
            				printf("not sorted at %d\\n", i);
            				return 1;
            			}
            		}
            		if (num > 0) {
            			print_mac("first", sta[0].mac);
            			print_mac("last", sta[num - 1].mac);
            			printf("last.ssid=%s last.hostname=%s last.ifname=%s\\n",
            			       sta[num - 1].ssid, sta[num - 1].hostname, sta[num - 1].ifname);
            			printf("last.tx_bytes=%llu\\n", (unsigned long long)sta[num - 1].tx_bytes);
            		}
            		free(buf);
            		return 0;
            	}
            	fprintf(stderr, "unknown mode %s\\n", argv[2]);
            	return 2;
            }
            """;

    @TempDir
    static Path dir;

    private static Path binary;
    private static DaemonProcess daemon;
    private static StationClient client;

    private record Run(int code, String out) {
    }

    @BeforeAll
    static void buildAndStart() throws Exception {
        Assumptions.assumeTrue(gccAvailable(), "gcc is not installed");
        Path root = Path.of(System.getProperty("stationd.root", ".."));
        Path include = root.resolve("src/include");
        assertTrue(Files.isRegularFile(include.resolve("stationd/protocol.h")), "no protocol.h under " + include);
        Path source = dir.resolve("seed_client.c");
        Files.writeString(source, SEED_CLIENT, StandardCharsets.UTF_8);
        binary = dir.resolve("seed_client");
        Run cc = run(DEADLINE, "gcc", "-std=c11", "-Wall", "-Werror", "-I" + include, "-o", binary.toString(),
                source.toString());
        assertEquals(0, cc.code(), () -> "gcc failed:\n" + cc.out());
        daemon = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
        client = StationClient.open(daemon.socket());
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (daemon != null) {
            assertEquals(0, daemon.stop(), daemon::output);
        }
    }

    private static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Run run(Duration deadline, String... cmd) throws Exception {
        Path out = Files.createTempFile(dir, "run", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + deadline
                    + ":\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out));
    }

    private static Run client(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add(daemon.socket().toString());
        cmd.addAll(List.of(args));
        return run(DEADLINE, cmd.toArray(new String[0]));
    }

    @Test
    void filterAddIsAcknowledgedWithAck() throws Exception {
        MacAddress mac = MacAddress.parse("02:5e:ed:00:00:01");
        Run add = client("add", mac.toString(), "3");
        assertEquals(0, add.code(), add::out);
        assertTrue(add.out().contains("RESULT ret=0 read=4"), add::out);
        assertTrue(client.filterList().stream().anyMatch(r -> r.mac().equals(mac) && r.groupId() == 3),
                () -> "filter not added: " + client.filterList());
        Run again = client("add", mac.toString(), "3"); // idempotent: ACK again
        assertEquals(0, again.code(), again::out);
        assertEquals(1, client.filterList().stream().filter(r -> r.mac().equals(mac)).count());

        Run del = client("del", mac.toString(), "3");
        assertEquals(0, del.code(), del::out);
        assertTrue(client.filterList().stream().noneMatch(r -> r.mac().equals(mac)));
        // a NAK ("NAK\0" + E_NOENT) is not "ack" for strcasecmp: the seed-style client sees a failure
        Run nak = client("del", mac.toString(), "3");
        assertNotEquals(0, nak.code(), nak::out);
        assertTrue(nak.out().contains("RESULT ret=16"), nak::out);
    }

    /**
     * The most records a single read is sure to get for a full list: the daemon sends it from a
     * memory file with sendfile, which Linux queues on a Unix stream socket in pieces of 16 pages
     * (65,536 bytes with 4 KiB pages), and the reader is woken at the first piece, so a longer
     * reply can come in two reads (373 records, 65,652 bytes: the first read got 65,536 about one
     * time in ten). 372 records are 65,476 bytes. Written from a buffer the pieces are 36,544 bytes.
     */
    static final int ONE_READ_RECORDS = 372;

    @Test
    void staListArrivesWholeInOneRead() throws Exception {
        int n = ONE_READ_RECORDS;
        long now = System.currentTimeMillis();
        List<StaListAttr> stations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stations.add(Stations.make(0x02_5E_ED_00_00_00L, i, now));
        }
        Stations.send(daemon.events(), stations);
        DaemonProcess.await(DEADLINE, n + " stations", () -> client.list(ListQuery.ALL).size() == n);
        List<StaListAttr> sorted = Stations.sorted(stations);
        StaListAttr last = sorted.get(n - 1);
        // several times: a reply split over two reads would fail sooner or later
        for (int k = 0; k < 10; k++) {
            Run list = client("list", Integer.toString(n));
            assertEquals(0, list.code(), list::out);
            assertTrue(list.out().contains("RESULT ret=0 read=" + (4 + n * 176) + " num=" + n), list::out);
            assertTrue(list.out().contains("first=" + sorted.get(0).mac() + "\n"), list::out);
            assertTrue(list.out().contains("last=" + last.mac() + "\n"), list::out);
            assertTrue(list.out().contains("last.ssid=" + last.ssid() + " last.hostname=" + last.hostname()
                    + " last.ifname=" + last.ifname() + "\n"), list::out);
            assertTrue(list.out().contains("last.tx_bytes=" + Long.toUnsignedString(last.txBytes()) + "\n"), list::out);
        }
        // the client's check can fail: asking for one more record than there are
        Run wrong = client("list", Integer.toString(n + 1));
        assertNotEquals(0, wrong.code(), wrong::out);
        assertFalse(wrong.out().contains("num=" + (n + 1)), wrong::out);
    }
}
