/* Prints "ready", waits for SIGUSR1, then allocates and touches N MiB (argv[1]) and prints
   "touched"; then sleeps until killed. Lets a test move it into a cgroup first, so the
   memory is charged there. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t go = 0;
static void on_usr1(int sig) { (void)sig; go = 1; }

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
  char* p = malloc(n);
  if (!p) return 1;
  for (size_t i = 0; i < n; i += 4096) p[i] = (char)i;
  printf("touched\n");
  fflush(stdout);
  for (;;) pause();
}
