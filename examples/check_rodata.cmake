# Passes when every weight array of the generated header namespace NS in binary BIN sits in
# read-only data (.rodata: flash on a microcontroller), none in .data or .bss.
# Usage: cmake -DOBJDUMP=objdump -DBIN=export_and_run -DNS=export_and_run -P check_rodata.cmake
execute_process(COMMAND ${OBJDUMP} -t ${BIN} OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} -t ${BIN} failed")
endif()
string(LENGTH "${NS}" ns_len)
string(REPLACE "\n" ";" lines "${syms}")
set(found 0)
foreach(line IN LISTS lines)
  # Weight arrays are named after the state dict keys: <layer>_weight..., <layer>_bias...
  if(line MATCHES " ([^ \t]+)[ \t]+[0-9a-f]+[ \t]+_ZN${ns_len}${NS}[0-9]+([A-Za-z0-9_]*(weight|bias)[A-Za-z0-9_]*)E$")
    math(EXPR found "${found} + 1")
    if(NOT CMAKE_MATCH_1 MATCHES "^\\.rodata")
      message(FATAL_ERROR "${CMAKE_MATCH_2} is in ${CMAKE_MATCH_1}, not .rodata:\n${line}")
    endif()
  endif()
endforeach()
if(found EQUAL 0)
  message(FATAL_ERROR "no weight arrays of namespace ${NS} found in ${BIN}")
endif()
message(STATUS "${found} weight arrays of ${NS}, all in .rodata")
