#include "function/function_registry.h"

#include <algorithm>
#include <cctype>

namespace sluice {

const FunctionRegistry& FunctionRegistry::Builtin() {
  static const FunctionRegistry registry = [] {
    FunctionRegistry r;
    RegisterArithmeticFunctions(r);
    RegisterComparisonFunctions(r);
    RegisterLogicalFunctions(r);
    RegisterConditionalFunctions(r);
    RegisterMathFunctions(r);
    RegisterCollectionFunctions(r);
    RegisterLikeFunction(r);
    RegisterStringFunctions(r);
    RegisterRegexFunctions(r);
    RegisterDatetimeFunctions(r);
    RegisterHashFunctions(r);
    RegisterCryptoFunctions(r);
    RegisterJsonFunctions(r);
    RegisterRadixFunctions(r);
    RegisterCharsetFunctions(r);
    RegisterCharacterFunctions(r);
    RegisterArrayFunctions(r);
    RegisterCalendarFunctions(r);
    RegisterSparkHashFunctions(r);
    RegisterMapFunctions(r);
    RegisterUrlFunctions(r);
    RegisterIntervalFunctions(r);
    RegisterErrorFunctions(r);
    RegisterTableGeneratorFunctions(r);
    RegisterBinaryConversionFunctions(r);
    RegisterMaskFunctions(r);
    RegisterRandomFunctions(r);
    RegisterBitmapFunctions(r);
    RegisterFormatStringFunction(r);
    RegisterWindowTimeFunction(r);
    RegisterNumberFormatFunctions(r);
    RegisterCsvFunctions(r);
    RegisterTimeBucketFunction(r);
    RegisterSentencesFunction(r);
    return r;
  }();
  return registry;
}

const FunctionRegistry& FunctionRegistry::Ansi() {
  static const FunctionRegistry registry = [] {
    FunctionRegistry r = Builtin();
    r.ansi_ = true;
    RegisterAnsiOverrides(r);
    return r;
  }();
  return registry;
}

void FunctionRegistry::Register(ScalarFunction function) {
  std::string name = function.name;
  functions_[name] = std::move(function);
}

void FunctionRegistry::Alias(const std::string& alias, const std::string& target) {
  ScalarFunction f = functions_.at(target);
  f.name = alias;
  functions_[alias] = std::move(f);
}

const ScalarFunction* FunctionRegistry::Find(std::string_view name) const {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto it = functions_.find(lower);
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, f] : functions_) names.push_back(name);
  return names;
}

}  // namespace sluice
