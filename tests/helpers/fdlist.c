/* Prints the numbers of this process's open file descriptors, space-separated, ascending:
 * what a command run by `nsview enter` inherited. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void* a, const void* b) { return *(const int*)a - *(const int*)b; }

int main(void) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return 1;
  int fds[1024], n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 1024) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int fd = atoi(e->d_name);
    if (fd != dirfd(d)) fds[n++] = fd;
  }
  closedir(d);
  qsort(fds, (size_t)n, sizeof fds[0], cmp);
  for (int i = 0; i < n; ++i) printf(i ? " %d" : "%d", fds[i]);
  printf("\n");
  return 0;
}
