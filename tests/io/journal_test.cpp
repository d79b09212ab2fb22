// The journal's framing on its own: CRC-32, record round trips, and a reader that stops
// at the first damaged record (src/io/journal.hpp, docs/resume.md).

#include "journal.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "crc32.hpp"
#include "io_test_util.hpp"
#include "row_block.hpp"

namespace simorch::io_detail {
namespace {

using test::ScopedTempDir;

std::span<const std::byte> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(Crc32, matches_the_standard_check_value) {
  // The CRC-32C check value of "123456789" (iSCSI, RFC 3720), hardware and tables alike.
  EXPECT_EQ(crc32("123456789", 9), 0xE3069283u);
  EXPECT_EQ(~crc_detail::update_portable(0xFFFFFFFFu, "123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32("", 0), 0u);
  Crc32 split;  // any split of the input gives the same sum (slicing-by-8 vs bytewise)
  const std::string text = "The quick brown fox jumps over the lazy dog";
  split.update(text.data(), 5);
  split.update(text.data() + 5, text.size() - 5);
  EXPECT_EQ(split.value(), 0x22620404u);
  EXPECT_EQ(crc32(text.data(), text.size()), 0x22620404u);
}

TEST(Journal, records_round_trip_in_order) {
  ScopedTempDir dir;
  const auto path = dir / "j";
  JournalHeader header;
  header.row_layout = row_layout_id();
  header.n_tasks = 10;
  header.num_samples = 2;
  header.study_hash = "00112233aabbccdd";
  header.created = "2026-11-24T08:00:00Z";
  header.study_text = "monte_carlo:\n  samples: 10\n";
  header.study_canonical = "monte_carlo.tasks = 10\n";
  const auto timing = test::fake_timing(2, RunOutcome::interrupted, 4);
  const auto block = test::make_block({3, 4}, 2);
  {
    auto w = JournalWriter::create(path);
    w.append(RecordType::header, {encode_header(header)});
    RowBlock rows;
    rows.assign(block.summaries.data(), block.summaries.size());
    w.append(RecordType::results,
             rows.journal_pieces(2, block.states.data(), block.controls.data()));
    w.append(RecordType::segment_timing, {encode_timing(timing)});
    w.close();
  }
  JournalReader r(path);
  JournalRecord rec;
  ASSERT_TRUE(r.next(rec));
  ASSERT_EQ(rec.type, RecordType::header);
  const auto h = decode_header(rec.payload);
  EXPECT_EQ(h.study_hash, header.study_hash);
  EXPECT_EQ(h.study_text, header.study_text);
  EXPECT_EQ(h.num_samples, 2);
  ASSERT_TRUE(r.next(rec));
  ASSERT_EQ(rec.type, RecordType::results);
  const auto results = decode_results(rec.payload);
  ASSERT_EQ(results.summaries.size(), 2u);
  EXPECT_EQ(results.summaries[1].task_id, 4u);
  EXPECT_EQ(results.summaries[1].ise, block.summaries[1].ise);
  EXPECT_EQ(results.summaries[1].status, block.summaries[1].status);
  EXPECT_EQ(results.summaries[1].final_state[5], block.summaries[1].final_state[5]);
  EXPECT_STREQ(results.summaries[0].message, block.summaries[0].message);
  EXPECT_STREQ(results.summaries[1].message, "");
  EXPECT_EQ(results.states, block.states);
  EXPECT_EQ(results.controls, block.controls);
  ASSERT_TRUE(r.next(rec));
  const auto t = decode_timing(rec.payload);
  EXPECT_EQ(t.rank_timing.size(), 2u);
  EXPECT_EQ(t.rank_timing[1].host, "node1");
  EXPECT_EQ(t.rank_timing[1].simulated, 9u);
  EXPECT_EQ(t.thread_timing[3].busy_s, 6.5);
  EXPECT_EQ(t.outcome, RunOutcome::interrupted);
  EXPECT_FALSE(r.next(rec));
  EXPECT_FALSE(r.has_damaged_tail());
  EXPECT_EQ(r.valid_end(), std::filesystem::file_size(path));
}

TEST(Journal, reader_stops_at_a_flipped_byte_and_appending_cuts_there) {
  ScopedTempDir dir;
  const auto path = dir / "j";
  std::uint64_t second_record = 0;
  {
    auto w = JournalWriter::create(path);
    w.append(RecordType::segment_start, {as_bytes("first")});
    w.flush();
    second_record = std::filesystem::file_size(path);
    w.append(RecordType::segment_start, {as_bytes("second")});
    w.append(RecordType::segment_start, {as_bytes("third")});
    w.close();
  }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(second_record + 18));  // inside "second"
    f.put('X');
  }
  std::uint64_t valid_end = 0;
  {
    JournalReader r(path);
    JournalRecord rec;
    ASSERT_TRUE(r.next(rec));
    EXPECT_EQ(rec.payload.size(), 5u);
    EXPECT_FALSE(r.next(rec)) << "a CRC mismatch ends the journal";
    EXPECT_FALSE(r.next(rec));
    EXPECT_TRUE(r.has_damaged_tail());
    valid_end = r.valid_end();
    EXPECT_EQ(valid_end, second_record);
  }
  {
    auto w = JournalWriter::append_to(path, valid_end);
    w.append(RecordType::segment_start, {as_bytes("fourth")});
    w.close();
  }
  JournalReader r(path);
  JournalRecord rec;
  ASSERT_TRUE(r.next(rec));
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(rec.payload.data()), rec.payload.size()),
            "fourth");
  EXPECT_FALSE(r.next(rec));
  EXPECT_FALSE(r.has_damaged_tail());
}

TEST(Journal, a_huge_length_in_a_torn_head_is_not_trusted) {
  ScopedTempDir dir;
  const auto path = dir / "j";
  {
    auto w = JournalWriter::create(path);
    w.append(RecordType::segment_start, {as_bytes("ok")});
    w.close();
  }
  {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    const std::uint32_t type = 2;
    const std::uint32_t zero = 0;
    const std::uint64_t length = std::uint64_t{1} << 60;
    out.write(reinterpret_cast<const char*>(&type), 4);
    out.write(reinterpret_cast<const char*>(&zero), 4);
    out.write(reinterpret_cast<const char*>(&length), 8);
  }
  JournalReader r(path);
  JournalRecord rec;
  EXPECT_TRUE(r.next(rec));
  EXPECT_FALSE(r.next(rec));
  EXPECT_TRUE(r.has_damaged_tail());
}

TEST(Journal, a_file_that_is_not_a_journal_is_bad_input) {
  ScopedTempDir dir;
  std::ofstream(dir / "j") << "definitely not a journal";
  try {
    JournalReader r(dir / "j");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(std::string(e.what()).find("not a simorch journal"), std::string::npos);
  }
}

TEST(Journal, a_journal_of_format_1_is_refused_naming_its_format) {
  test::ScopedTempDir dir;
  std::ofstream(dir / "j") << std::string(journal_magic_v1, sizeof journal_magic_v1) << "records";
  try {
    JournalReader r(dir / "j");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_NE(std::string(e.what()).find("journal format 1"), std::string::npos) << e.what();
  }
}

TEST(Journal, a_shuffled_block_is_journaled_in_id_order_with_its_runs) {
  const auto block = test::make_block({10, 11, 3, 12, 4, 7}, 0);
  const std::vector<std::size_t> order = {2, 4, 5, 0, 1, 3};  // ids 3 4 7 10 11 12
  RowBlock rows;
  rows.assign(block.summaries.data(), order.data(), order.size());
  ASSERT_EQ(rows.runs().size(), 3u);
  EXPECT_EQ(rows.runs()[2].first, 10u);
  EXPECT_EQ(rows.runs()[2].count, 3u);
  EXPECT_EQ(rows.runs()[2].offset, 3u);
  std::vector<std::byte> payload;
  for (const auto piece : rows.journal_pieces(0, nullptr, nullptr)) {
    payload.insert(payload.end(), piece.begin(), piece.end());
  }
  const auto decoded = decode_results(payload);
  ASSERT_EQ(decoded.summaries.size(), 6u);
  for (std::size_t j = 0; j < order.size(); ++j) {
    const TaskSummary& want = block.summaries[order[j]];
    const TaskSummary& got = decoded.summaries[j];
    EXPECT_EQ(got.task_id, want.task_id);
    EXPECT_EQ(got.itae, want.itae);
    EXPECT_EQ(got.rank, want.rank);
    EXPECT_EQ(got.status, want.status);
    EXPECT_STREQ(got.message, want.message);  // id 3 and 10 fail with a message
  }
  payload.pop_back();
  EXPECT_THROW(decode_results(payload), JournalFormatError);
}

}  // namespace
}  // namespace simorch::io_detail
