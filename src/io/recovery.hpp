#pragma once

// Resuming an output (docs/resume.md, "What --resume does"): the decision tree over the
// file and its journal, replaying the journal into a clean file, rebuilding a file the
// last writer did not close, and journaling a clean file whose journal is gone.

#include "writer_state.hpp"

namespace simorch::io_detail {

/// Opens `state.files` for resume: afterwards `state` holds the done set, the segment
/// index and (unless the file is finished and untouched: is_noop) an open file and
/// journal with a segment started. Refuses, with one line (IoError/ConfigError, bad
/// input), a foreign file, another format_version, another study, and a file that was
/// not closed cleanly when no journal of this study can rebuild it.
void resume_output(WriterState& state);

}  // namespace simorch::io_detail
