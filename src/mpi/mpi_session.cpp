#include "simorch/mpi/mpi_session.hpp"

#include <mpi.h>

#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdlib>
#include <string>

#include "simorch/error.hpp"
#include "simorch/mpi/mpi_error.hpp"

namespace simorch::mpi {
namespace {
const char* level_name(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE:
      return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED:
      return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED:
      return "MPI_THREAD_SERIALIZED";
    case MPI_THREAD_MULTIPLE:
      return "MPI_THREAD_MULTIPLE";
    default:
      return "an unknown level";
  }
}
}  // namespace

void check_mpi(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw MpiError(call, code,
                 length > 0 ? std::string(text, static_cast<std::size_t>(length))
                            : std::string("unknown error"));
}

struct MpiSession::Impl {
  // Null when MPI was initialised by someone else (then they finalise it).
  std::unique_ptr<boost::mpi::environment> environment;
};

MpiSession::MpiSession() : impl_(std::make_unique<Impl>()) {
  int is_initialized = 0;
  check_mpi(MPI_Initialized(&is_initialized), "MPI_Initialized");
  if (!is_initialized) {
    // abort_on_exception=false: a ConfigError unwinding through here must become exit
    // code 2 on every rank, not an MPI_Abort.
    impl_->environment = std::make_unique<boost::mpi::environment>(boost::mpi::threading::funneled,
                                                                   /*abort_on_exception=*/false);
  }
  int provided = MPI_THREAD_SINGLE;
  check_mpi(MPI_Query_thread(&provided), "MPI_Query_thread");
  if (provided < MPI_THREAD_FUNNELED) {
    throw Error(std::string("MPI provides only ") + level_name(provided) +
                "; simorch needs MPI_THREAD_FUNNELED (its pool threads run beside the "
                "thread that calls MPI). Use an MPI library built with thread support.");
  }
  check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() = default;

double MpiSession::broadcast_from_root(double value) const {
  boost::mpi::broadcast(boost::mpi::communicator{}, value, 0);
  return value;
}

std::string processor_name() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  if (MPI_Get_processor_name(name, &length) != MPI_SUCCESS) return "unknown";
  return std::string(name, static_cast<std::size_t>(length));
}

void abort_all_ranks(int exit_code) noexcept {
  (void)MPI_Abort(MPI_COMM_WORLD, exit_code);  // nothing to report to: the job ends either way
  std::_Exit(exit_code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
}

}  // namespace simorch::mpi
