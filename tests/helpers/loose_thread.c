/* A process whose second thread lives in its own net and uts namespaces ("loose thread").
 * Prints "<tid> <thread's netns inode> <thread's utsns inode>" and waits. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned long inode_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

static void *thread_main(void *arg) {
  (void)arg;
  if (unshare(CLONE_NEWNET | CLONE_NEWUTS) != 0) { perror("unshare"); _exit(1); }
  pid_t tid = (pid_t)syscall(SYS_gettid);
  char net[64], uts[64];
  snprintf(net, sizeof net, "/proc/self/task/%d/ns/net", tid);
  snprintf(uts, sizeof uts, "/proc/self/task/%d/ns/uts", tid);
  printf("%d %lu %lu\n", tid, inode_of(net), inode_of(uts));
  fflush(stdout);
  for (;;) pause();
  return NULL;
}

int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, thread_main, NULL) != 0) return 1;
  for (;;) pause();
}
