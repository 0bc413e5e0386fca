// The kernel's share of the room workload (docs/performance.md, "Room", round 4): the same bytes
// through the same number of loopback TCP connections, with no WebSocket, no JSON and no Java.
//   gcc -O2 -o room-floor scripts/room-floor.c && (ulimit -n 20000; ./room-floor 10000 50 200 41234)
// arguments: members, bytes per entry, joins per window, port on 127.0.0.1.

// Kernel floor of the room's bytes: N loopback TCP connections, a sender process writes the room's
// frames (snapshot k = k*E bytes to member k as it joins; every W joins one delta frame of W*E bytes
// to every member so far), a receiver process reads them with epoll (64 KiB reads, like Netty's
// largest adaptive read). The sender's writes block when a socket is full. Each process reports
// its own user/sys CPU (getrusage); loopback delivery runs in the sender's system calls.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

static double now(void) { struct timeval t; gettimeofday(&t, 0); return t.tv_sec + t.tv_usec / 1e6; }
static void usage(const char *who, double t0, long long bytes, long long calls) {
    struct rusage r; getrusage(RUSAGE_SELF, &r);
    printf("%s: wall %.2f s user %.2f s sys %.2f s bytes %lld calls %lld\n", who, now() - t0,
           r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6, r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6, bytes, calls);
    fflush(stdout);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    int e = argc > 2 ? atoi(argv[2]) : 50;      // bytes per entry
    int w = argc > 3 ? atoi(argv[3]) : 200;     // joins per window
    int port = argc > 4 ? atoi(argv[4]) : 41234;
    int ls = socket(AF_INET, SOCK_STREAM, 0); int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (void *)&a, sizeof a) || listen(ls, 4096)) { perror("listen"); return 1; }
    long long total = 0;
    for (long k = 0; k < n; k++) total += k * (long long)e;                 // snapshots
    for (long k = w; k <= n; k += w) total += (long long)k * w * e;         // deltas: k members get w entries
    int sync[2]; pipe(sync);
    pid_t child = fork();
    if (child == 0) { // receiver
        close(ls);
        double t0 = now();
        int ep = epoll_create1(0);
        for (int i = 0; i < n; i++) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(s, (void *)&a, sizeof a)) { perror("connect"); return 1; }
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            fcntl(s, F_SETFL, O_NONBLOCK);
            struct epoll_event ev = {.events = EPOLLIN, .data.fd = s};
            epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
        }
        usage("receiver connects", t0, 0, n);
        char *buf = malloc(65536); long long got = 0, reads = 0, waits = 0;
        struct epoll_event evs[512];
        write(sync[1], "x", 1);
        double t1 = now();
        while (got < total) {
            int m = epoll_wait(ep, evs, 512, 5000); waits++;
            if (m <= 0) { fprintf(stderr, "stalled at %lld of %lld\n", got, total); break; }
            for (int i = 0; i < m; i++) {
                for (;;) {
                    ssize_t r = read(evs[i].data.fd, buf, 65536); reads++;
                    if (r > 0) { got += r; if (r < 65536) break; continue; }
                    break;
                }
            }
        }
        usage("receiver total", t0, got, reads);
        printf("receiver epoll_waits %lld, %.1f s after connects\n", waits, now() - t1);
        return 0;
    }
    double t0 = now();
    int *fd = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) {
        fd[i] = accept(ls, 0, 0);
        if (fd[i] < 0) { perror("accept"); return 1; }
        setsockopt(fd[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    usage("sender accepts", t0, 0, n);
    char c; read(sync[0], &c, 1);
    double t1 = now();
    long long max = (long long)n * e; char *payload = malloc(max); memset(payload, 'x', max);
    long long sent = 0, writes = 0;
    for (int k = 0; k < n; k++) {
        long long len = (long long)k * e; long long off = 0;
        while (off < len) { ssize_t r = write(fd[k], payload + off, len - off); writes++; if (r < 0) { perror("write"); return 1; } off += r; }
        sent += len;
        if ((k + 1) % w == 0) {
            long long dl = (long long)w * e;
            for (int m = 0; m <= k; m++) {
                long long o = 0;
                while (o < dl) { ssize_t r = write(fd[m], payload + o, dl - o); writes++; if (r < 0) { perror("write"); return 1; } o += r; }
                sent += dl;
            }
        }
    }
    usage("sender total", t0, sent, writes);
    printf("sender: %.1f s after connects, expected %lld bytes\n", now() - t1, total);
    int st; waitpid(child, &st, 0);
    return 0;
}
