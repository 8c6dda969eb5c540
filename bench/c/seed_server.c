/*
 * seed_server: the seed article's server loop (ct_select_run; docs/protocol.md, "Origin"),
 * kept as it is: select() on the listening socket, accept, ONE read of the
 * command, ONE write of int num + num x sta_list_attr from a pre-built table, close.
 * No persistent connections, no pipelining, one client at a time.
 *
 * Differences from the article, all outside the loop: the table is built at start-up from
 * argv (N bench stations), the socket path comes from argv, and SIGPIPE is ignored so that a
 * client closing early does not kill the benchmark baseline (the article's daemon would die).
 *
 * usage: seed_server SOCKET_PATH NUM_STATIONS
 */
#include <errno.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "bench_common.h"

#define MAX_BUF 1024
#define MAX_LISTEN_BACKLOG 128

static char *sta_info;   /* int num + num x sta_list_attr, like the article's sta_info */
static int num;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH NUM_STATIONS\n", argv[0]);
        return 64;
    }
    signal(SIGPIPE, SIG_IGN);
    size_t len;
    num = atoi(argv[2]);
    sta_info = bench_table_reply((uint32_t)num, &len);

    struct sockaddr_un srv_addr;
    memset(&srv_addr, 0, sizeof(srv_addr));
    int listen_fd = socket(PF_UNIX, SOCK_STREAM, 0);
    if (listen_fd < 0) {
        perror("socket");
        return 1;
    }
    srv_addr.sun_family = AF_UNIX;
    strncpy(srv_addr.sun_path, argv[1], sizeof(srv_addr.sun_path) - 1);
    unlink(argv[1]);
    if (bind(listen_fd, (struct sockaddr *)&srv_addr, sizeof(srv_addr)) == -1) {
        perror("bind");
        return 1;
    }
    if (listen(listen_fd, MAX_LISTEN_BACKLOG) == -1) {
        perror("listen");
        return 1;
    }

    /* ---- ct_select_run(), as in the article ---- */
    fd_set rset, allset;
    int nfds = 0;
    int maxfd = listen_fd;
    int cloudfd = 0;
    int read_num = 0;
    int write_num = 0;
    socklen_t addrLen;
    struct sockaddr_un addr;
    char data_buf[MAX_BUF] = {0};

    FD_ZERO(&allset);
    FD_SET(listen_fd, &allset);
    while (1) {
        rset = allset;
        nfds = select(maxfd + 1, &rset, NULL, NULL, NULL);
        if (0 > nfds) {
            if (errno == EINTR) {
                continue;
            }
            perror("select");
            return 1;
        }
        if (FD_ISSET(listen_fd, &rset)) {
            addrLen = sizeof(addr);
            cloudfd = accept(listen_fd, (struct sockaddr *)&addr, &addrLen);
            if (cloudfd < 0) {
                continue;
            }
            read_num = read(cloudfd, data_buf, MAX_BUF);
            if (read_num > 0) {
                write_num = write(cloudfd, sta_info, (sizeof(sta_list_attr) * num + sizeof(int)));
                (void)write_num;
            }
            close(cloudfd);
        }
    }
    return 0;
}
