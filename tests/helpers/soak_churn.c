/* Short-lived processes and threads for bench/churn_soak.sh; what a shell loop cannot make
 * cheaply or at all.
 *   soak_churn storm N T      fork N children; each starts T threads that exit at once, then
 *                             exits itself (the parent reaps them all)
 *   soak_churn hostile MS ... live MS milliseconds with a hostile comm (escape sequences,
 *                             invalid UTF-8) and a thread with one too; the caller passes the
 *                             hostile argv (a 100 kB argument, control bytes)
 *   soak_churn holders MS     live MS milliseconds holding a net namespace only through a
 *                             socket, and with a thread in its own net and uts namespaces
 *   soak_churn zombies N MS   N children that exit at once and stay unreaped for MS ms
 *   soak_churn leader MS      a process whose main thread exits while another thread lives
 *                             on for MS ms (a zombie thread-group leader: its own /proc
 *                             entries - ns links, status, statm - are empty or unreadable) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *quick(void *arg) { return arg; }

static volatile int stop_threads;

static void *lingering(void *arg) {
  /* Thread names are 15 bytes at most: an escape sequence and invalid UTF-8 fit. */
  pthread_setname_np(pthread_self(), "\x1b[7m\xff\xfe\tthr");
  while (!stop_threads) usleep(10000);
  return arg;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

static int storm(int n, int t) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0) break; /* out of pids: reap what was made */
    if (pid == 0) {
      pthread_t th[64];
      int k = t < 64 ? t : 64, made = 0;
      for (int j = 0; j < k; j++)
        if (pthread_create(&th[made], NULL, quick, NULL) == 0) made++;
      for (int j = 0; j < made; j++) pthread_join(th[j], NULL);
      _exit(0);
    }
  }
  while (wait(NULL) > 0) {
  }
  return 0;
}

static int hostile(long ms) {
  prctl(PR_SET_NAME, "\x1b]0;x\x07\x1b[2J\xc3\x28", 0, 0, 0);
  pthread_t th;
  int have = pthread_create(&th, NULL, lingering, NULL) == 0;
  sleep_ms(ms);
  stop_threads = 1;
  if (have) pthread_join(th, NULL);
  return 0;
}

static void *own_namespaces(void *arg) {
  if (unshare(CLONE_NEWNET | CLONE_NEWUTS) != 0) return arg;
  while (!stop_threads) usleep(10000);
  return arg;
}

static int holders(long ms) {
  int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int sock = -1;
  if (orig >= 0 && unshare(CLONE_NEWNET) == 0) {
    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (setns(orig, CLONE_NEWNET) != 0) return 1;
  }
  if (orig >= 0) close(orig);
  pthread_t th;
  int have = pthread_create(&th, NULL, own_namespaces, NULL) == 0;
  sleep_ms(ms);
  stop_threads = 1;
  if (have) pthread_join(th, NULL);
  if (sock >= 0) close(sock);
  return 0;
}

static int zombies(int n, long ms) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0) break;
    if (pid == 0) _exit(0);
  }
  sleep_ms(ms);
  while (wait(NULL) > 0) {
  }
  return 0;
}

static void *outlive(void *arg) {
  sleep_ms((long)(intptr_t)arg);
  exit(0); /* ends the whole process */
}

static int leader(long ms) {
  pthread_t th;
  if (pthread_create(&th, NULL, outlive, (void *)(intptr_t)ms) != 0) return 1;
  pthread_exit(NULL);
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "storm") == 0) return storm(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 3 && strcmp(argv[1], "hostile") == 0) return hostile(atol(argv[2]));
  if (argc >= 3 && strcmp(argv[1], "holders") == 0) return holders(atol(argv[2]));
  if (argc >= 4 && strcmp(argv[1], "zombies") == 0) return zombies(atoi(argv[2]), atol(argv[3]));
  if (argc >= 3 && strcmp(argv[1], "leader") == 0) return leader(atol(argv[2]));
  fprintf(stderr, "usage: soak_churn storm N T | hostile MS [ARG...] | holders MS | zombies N MS | leader MS\n");
  return 2;
}
