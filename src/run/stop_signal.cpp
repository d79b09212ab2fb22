#include "simorch/run/stop_signal.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>

#include "simorch/error.hpp"

namespace simorch {
namespace {
// Lock-free atomics are async-signal-safe; the handler touches nothing else.
std::atomic<int> signal_count{0};
std::atomic<int> last_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

constexpr int stop_signals[] = {SIGTERM, SIGINT, SIGUSR1};
struct sigaction previous[std::size(stop_signals)];

extern "C" void on_stop_signal(int signal_number) {
  last_signal.store(signal_number, std::memory_order_relaxed);
  if (signal_count.fetch_add(1, std::memory_order_relaxed) >= 1) {
    _exit(exit_code::interrupted);  // second signal: the user insists; _exit is signal-safe
  }
}

// Nested scopes (the CLI around a whole run, run_dispatch around its loop) share the
// outermost one's handlers and count.
int scope_depth = 0;
}  // namespace

StopSignalScope::StopSignalScope() {
  if (scope_depth++ > 0) return;
  signal_count.store(0);
  last_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // MPI and I/O calls resume rather than fail with EINTR
  for (std::size_t i = 0; i < std::size(stop_signals); ++i) {
    sigaction(stop_signals[i], &action, &previous[i]);
  }
}

StopSignalScope::~StopSignalScope() {
  if (--scope_depth > 0) return;
  for (std::size_t i = 0; i < std::size(stop_signals); ++i) {
    sigaction(stop_signals[i], &previous[i], nullptr);
  }
}

int stop_signal_count() noexcept {
  return signal_count.load(std::memory_order_relaxed);
}
int last_stop_signal() noexcept {
  return last_signal.load(std::memory_order_relaxed);
}

}  // namespace simorch
