#pragma once

namespace simorch {

/// Catches SIGTERM, SIGINT and SIGUSR1 while alive (SLURM's time-limit and pre-timeout
/// signals, Ctrl-C): the first one only sets a flag that the main loop turns into a
/// graceful, resumable stop; a second one ends the process at once with exit code 75
/// (EX_TEMPFAIL) — still resumable, because every result reached the journal first.
/// The previous handlers come back on destruction. Scopes nest (the outermost one counts);
/// main thread only.
class StopSignalScope {
 public:
  StopSignalScope();
  ~StopSignalScope();
  StopSignalScope(const StopSignalScope&) = delete;
  StopSignalScope& operator=(const StopSignalScope&) = delete;
};

/// Stop signals caught since the StopSignalScope was created (0: carry on).
int stop_signal_count() noexcept;
/// Number of the last stop signal caught (e.g. SIGTERM), 0 if none.
int last_stop_signal() noexcept;

}  // namespace simorch
