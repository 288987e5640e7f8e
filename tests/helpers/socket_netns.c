/* Holds a new network namespace through a socket only: unshares a netns, opens a socket in
 * it, goes back to the original netns. Prints "FD INODE" (the socket's fd number, the inode of
 * its netns) and sleeps until killed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (orig < 0 || unshare(CLONE_NEWNET) != 0) return 1;
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || setns(orig, CLONE_NEWNET) != 0) return 1;
  close(orig);
  int ns = ioctl(sock, SIOCGSKNS);
  struct stat st;
  if (ns < 0 || fstat(ns, &st) != 0) return 1;
  close(ns);
  printf("%d %llu\n", sock, (unsigned long long)st.st_ino);
  fflush(stdout);
  for (;;) pause();
}
