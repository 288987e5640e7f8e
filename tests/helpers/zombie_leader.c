/* A process whose main thread has exited (pthread_exit in main) while two threads live on:
 * the first in the process's namespaces, the second in a network namespace of its own (a
 * loose thread). The leader is a zombie: its ns links, cmdline, VmRSS and fd are empty.
 * Prints "<first tid> <second tid> <second's netns inode>" once both run, then the main
 * thread exits. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t ready;
static pid_t tids[2];
static unsigned long loose_net;

static void *plain(void *arg) {
  (void)arg;
  tids[0] = (pid_t)syscall(SYS_gettid);
  pthread_barrier_wait(&ready);
  for (;;) pause();
  return NULL;
}

static void *loose(void *arg) {
  (void)arg;
  if (unshare(CLONE_NEWNET) != 0) { perror("unshare"); exit(1); }
  tids[1] = (pid_t)syscall(SYS_gettid);
  struct stat st;
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/ns/net", tids[1]);
  loose_net = stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
  pthread_barrier_wait(&ready);
  for (;;) pause();
  return NULL;
}

int main(void) {
  pthread_t a, b;
  pthread_barrier_init(&ready, NULL, 3);
  /* The plain thread first, so it has the lower tid. */
  if (pthread_create(&a, NULL, plain, NULL) != 0) return 1;
  while (!__atomic_load_n(&tids[0], __ATOMIC_SEQ_CST)) usleep(1000);
  if (pthread_create(&b, NULL, loose, NULL) != 0) return 1;
  pthread_barrier_wait(&ready);
  printf("%d %d %lu\n", tids[0], tids[1], loose_net);
  fflush(stdout);
  pthread_exit(NULL);
}
