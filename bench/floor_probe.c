/* The floor of any namespace scan: for each process, read its ns links and its stat file,
 * and nothing else. `nsview list` is measured against this in bench/list_vs_lsns.sh. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static const char *links[] = {"ns/cgroup", "ns/ipc", "ns/mnt", "ns/net", "ns/pid", "ns/time", "ns/user", "ns/uts"};

int main(void) {
  DIR *proc = opendir("/proc");
  if (!proc) return 1;
  struct dirent *e;
  char buf[4096];
  unsigned long n = 0;
  while ((e = readdir(proc))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int dfd = openat(dirfd(proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) continue;
    for (unsigned i = 0; i < sizeof links / sizeof *links; i++)
      if (readlinkat(dfd, links[i], buf, sizeof buf) > 0) n++;
    int fd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      if (read(fd, buf, sizeof buf) > 0) n++;
      close(fd);
    }
    close(dfd);
  }
  closedir(proc);
  printf("%lu\n", n);
  return 0;
}
