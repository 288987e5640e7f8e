/* Makes a network namespace that only a socket keeps alive: unshare the net namespace,
 * open a socket there, go back. Prints "<new netns inode> <socket fd>" and waits. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (orig < 0 || unshare(CLONE_NEWNET) != 0) { perror("unshare"); return 1; }
  struct stat st;
  if (stat("/proc/self/ns/net", &st) != 0) { perror("stat"); return 1; }
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  if (sock < 0) { perror("socket"); return 1; }
  if (setns(orig, CLONE_NEWNET) != 0) { perror("setns"); return 1; }
  close(orig);
  printf("%lu %d\n", (unsigned long)st.st_ino, sock);
  fflush(stdout);
  for (;;) pause();
}
