# Warnings are on for our own targets only, never for third-party headers.
set(SLUICE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
    # GCC 12 reports false positives inside libstdc++ string code at -O3 (GCC bug 105329).
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
if(SLUICE_WERROR)
  list(APPEND SLUICE_WARNINGS -Werror)
endif()

set(SLUICE_SANITIZER_FLAGS)
set(SLUICE_COVERAGE_FLAGS)
if(SLUICE_SANITIZE OR SLUICE_FUZZ)
  # GCC 12 at -O1 with ASan's instrumentation reports members "maybe uninitialized" that have
  # initializers (DataType's, moved inside Result<T>'s variant); the Release build keeps the check.
  set(SLUICE_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
endif()
if(SLUICE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SLUICE_FUZZ needs clang (libFuzzer): configure with CXX=clang++-16")
  endif()
  # Coverage for libFuzzer in every object; only the fuzz targets link libFuzzer's main.
  set(SLUICE_COVERAGE_FLAGS -fsanitize=fuzzer-no-link)
endif()
if(SLUICE_THREAD_SANITIZE)
  if(SLUICE_SANITIZE OR SLUICE_FUZZ)
    message(FATAL_ERROR "ThreadSanitizer cannot be combined with AddressSanitizer")
  endif()
  # GCC 12 at -O2 with TSan's instrumentation reports null dereferences inside libstdc++'s
  # std::string (CLI11's headers) that cannot happen; the other builds keep the warning.
  set(SLUICE_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer -Wno-null-dereference)
endif()

function(sluice_target_defaults target)
  target_compile_options(${target} PRIVATE ${SLUICE_WARNINGS} ${SLUICE_SANITIZER_FLAGS}
                                           ${SLUICE_COVERAGE_FLAGS})
  target_link_options(${target} PRIVATE ${SLUICE_SANITIZER_FLAGS})
  # librdkafka's C11 threads made visible to TSan (see the file).
  get_target_property(type ${target} TYPE)
  if(SLUICE_THREAD_SANITIZE AND type STREQUAL "EXECUTABLE")
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/test/tsan_c11_threads.cpp)
  endif()
endfunction()

# simdjson's On-Demand API is compiled inline into our code for the instruction set the compiler
# targets: without at least AVX2 it falls back to its slow scalar kernel. x86-64-v3 (Haswell and
# later, 2013+) is the default for x86_64; set SLUICE_MARCH="" for older CPUs.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(SLUICE_MARCH "x86-64-v3" CACHE STRING "-march for sluice's own code (empty: compiler default)")
else()
  set(SLUICE_MARCH "" CACHE STRING "-march for sluice's own code (empty: compiler default)")
endif()
if(SLUICE_MARCH)
  add_compile_options(-march=${SLUICE_MARCH})
  # simdjson's haswell kernel also needs carry-less multiply, which x86-64-v3 leaves out though
  # every AVX2 CPU has it; without it On-Demand silently compiles as the scalar fallback.
  if(SLUICE_MARCH STREQUAL "x86-64-v3")
    add_compile_options(-mpclmul)
  endif()
endif()
