// sentences(str[, lang[, country]]): the text split into sentences and each sentence into words,
// as Spark's: ICU's sentence and word break rules for the locale (Spark uses Java's, which come
// from the same Unicode rules), a word being a piece whose first UTF-16 unit is a letter or a
// digit (so punctuation and spaces drop out). Locale: lang and country, lang alone, else en_US.
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <map>
#include <memory>

#include "function/function_registry.h"
#include "function/function_util.h"

namespace sluice {
namespace {

constexpr const char* kSignature = "sentences(str[, lang[, country]])";

struct Breakers {
  std::unique_ptr<icu::BreakIterator> sentences;
  std::unique_ptr<icu::BreakIterator> words;
};

Result<Breakers> MakeBreakers(const std::string& lang, const std::string& country) {
  const icu::Locale locale = lang.empty() ? icu::Locale::getUS()
                             : country.empty() ? icu::Locale(lang.c_str())
                                               : icu::Locale(lang.c_str(), country.c_str());
  UErrorCode status = U_ZERO_ERROR;
  Breakers b;
  b.sentences.reset(icu::BreakIterator::createSentenceInstance(locale, status));
  b.words.reset(icu::BreakIterator::createWordInstance(locale, status));
  if (U_FAILURE(status) || !b.sentences || !b.words) {
    return Status::Internal("sentences: ICU break iterators failed: {}", u_errorName(status));
  }
  return b;
}

// Appends the row's sentences (each an ARRAY<STRING> of words) to `out`'s element list.
void AppendSentences(std::string_view text, Breakers& b, Vector& sentence_list) {
  const icu::UnicodeString all = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  Vector& words = sentence_list.list_child();
  std::string utf8;
  b.sentences->setText(all);
  int32_t start = b.sentences->first();
  for (int32_t end = b.sentences->next(); end != icu::BreakIterator::DONE; start = end, end = b.sentences->next()) {
    const icu::UnicodeString sentence(all, start, end - start);
    b.words->setText(sentence);
    int32_t word_start = b.words->first();
    for (int32_t word_end = b.words->next(); word_end != icu::BreakIterator::DONE;
         word_start = word_end, word_end = b.words->next()) {
      if (!u_isalnum(sentence.charAt(word_start))) continue;
      utf8.clear();
      sentence.tempSubStringBetween(word_start, word_end).toUTF8String(utf8);
      words.AppendString(utf8);
    }
    sentence_list.AppendListEnd();
  }
}

Result<BoundFunction> BindSentences(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kSignature, args.types.size(), 1, 3));
  static constexpr const char* kNames[] = {"str", "lang", "country"};
  for (size_t i = 0; i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("sentences", kNames[i], args.types[i]));
  }
  BoundFunction f{DataType::List(DataType::List(DataType::String())),
                  std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    std::map<std::pair<std::string, std::string>, Breakers> by_locale;
    Status failed = Status::OK();
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || a[0]->IsNull(row) || !failed.ok()) {
        out.AppendNull();
        return;
      }
      std::pair<std::string, std::string> locale;
      if (a.size() > 1 && !a[1]->IsNull(row)) locale.first = fnutil::StrAt(*a[1], row);
      if (a.size() > 2 && !a[2]->IsNull(row) && !locale.first.empty()) locale.second = fnutil::StrAt(*a[2], row);
      auto it = by_locale.find(locale);
      if (it == by_locale.end()) {
        Result<Breakers> made = MakeBreakers(locale.first, locale.second);
        if (!made.ok()) {
          failed = made.status();
          out.AppendNull();
          return;
        }
        it = by_locale.emplace(locale, std::move(*made)).first;
      }
      AppendSentences(fnutil::StrAt(*a[0], row), it->second, out.list_child());
      out.AppendListEnd();
    });
    return failed;
  };
  return f;
}

}  // namespace

void RegisterSentencesFunction(FunctionRegistry& registry) {
  registry.Register({"sentences", kSignature, BindSentences});
}

}  // namespace sluice
