/* Prints "ready", waits for SIGUSR1, then allocates and touches N MiB (argv[1]) and prints
   "touched"; then sleeps until killed. Lets a test move it into a cgroup first, so the
   memory is charged there. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t go = 0;
static void on_usr1(int sig) { (void)sig; go = 1; }

/* A raw mmap and uninstrumented stores: under AddressSanitizer, malloc or instrumented
   stores would also charge shadow memory (1/8 more) to the cgroup. */
__attribute__((no_sanitize("address"))) static char* map_and_touch(size_t n) {
  long r = syscall(SYS_mmap, NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r == -1) return NULL;
  char* p = (char*)r;
  for (size_t i = 0; i < n; i += 4096) p[i] = (char)i;
  return p;
}

int main(int argc, char** argv) {
  size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 50;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  printf("ready\n");
  fflush(stdout);
  while (!go) pause();
  size_t n = mib << 20;
  char* p = map_and_touch(n);
  if (!p) return 1;
  printf("touched\n");
  fflush(stdout);
  for (;;) pause();
}
