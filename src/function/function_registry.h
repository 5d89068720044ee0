#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "function/scalar_function.h"

namespace sluice {

// The table of every scalar function, by lower-case name (DuckDB-style: one list, one lookup).
class FunctionRegistry {
 public:
  static const FunctionRegistry& Builtin();
  // The same functions in Spark's ANSI mode ('spark.sql.ansi.enabled' = 'true'): integer
  // overflow, division by zero, an array index out of range and a value that does not cast
  // raise the row's error (EvalContext::row_errors) instead of giving NULL or wrapping.
  static const FunctionRegistry& Ansi();
  bool ansi() const { return ansi_; }

  void Register(ScalarFunction function);
  // Alias → existing function ("substr" → "substring").
  void Alias(const std::string& alias, const std::string& target);
  const ScalarFunction* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, ScalarFunction, std::less<>> functions_;
  bool ansi_ = false;
};

// Each file of function/ adds its functions through one of these.
void RegisterArithmeticFunctions(FunctionRegistry& registry);
void RegisterComparisonFunctions(FunctionRegistry& registry);
void RegisterLogicalFunctions(FunctionRegistry& registry);
void RegisterConditionalFunctions(FunctionRegistry& registry);
void RegisterMathFunctions(FunctionRegistry& registry);
void RegisterStringFunctions(FunctionRegistry& registry);
void RegisterRegexFunctions(FunctionRegistry& registry);
void RegisterDatetimeFunctions(FunctionRegistry& registry);
void RegisterCollectionFunctions(FunctionRegistry& registry);
void RegisterLikeFunction(FunctionRegistry& registry);
void RegisterHashFunctions(FunctionRegistry& registry);
void RegisterCryptoFunctions(FunctionRegistry& registry);
void RegisterWindowTimeFunction(FunctionRegistry& registry);
void RegisterNumberFormatFunctions(FunctionRegistry& registry);
void RegisterCsvFunctions(FunctionRegistry& registry);
void RegisterTimeBucketFunction(FunctionRegistry& registry);
void RegisterSentencesFunction(FunctionRegistry& registry);
void RegisterJsonFunctions(FunctionRegistry& registry);
void RegisterRadixFunctions(FunctionRegistry& registry);
void RegisterCharsetFunctions(FunctionRegistry& registry);
void RegisterCharacterFunctions(FunctionRegistry& registry);
void RegisterArrayFunctions(FunctionRegistry& registry);
void RegisterCalendarFunctions(FunctionRegistry& registry);
void RegisterSparkHashFunctions(FunctionRegistry& registry);
void RegisterMapFunctions(FunctionRegistry& registry);
void RegisterUrlFunctions(FunctionRegistry& registry);
void RegisterIntervalFunctions(FunctionRegistry& registry);
void RegisterErrorFunctions(FunctionRegistry& registry);
void RegisterTableGeneratorFunctions(FunctionRegistry& registry);
void RegisterBinaryConversionFunctions(FunctionRegistry& registry);
void RegisterMaskFunctions(FunctionRegistry& registry);
void RegisterRandomFunctions(FunctionRegistry& registry);
void RegisterBitmapFunctions(FunctionRegistry& registry);
// Replaces the functions whose ANSI behaviour differs with raising versions.
void RegisterAnsiOverrides(FunctionRegistry& registry);
void RegisterFormatStringFunction(FunctionRegistry& registry);

}  // namespace sluice
