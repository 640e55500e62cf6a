#!/bin/sh
# Turn "nm -n" output on stdin into an assembly file holding the kernel's
# function names, for panic backtraces (kernel/lib/ksyms.h).  The table
# lives in .rodata, after .text, so adding it moves no function: the
# addresses read from the first link stay true in the final one.
awk 'BEGIN { n = 0 }
$2 ~ /^[tT]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
END {
  print "  .section .rodata.ksyms, \"a\""
  print "  .balign 8"
  print "  .globl ksyms_count"
  print "ksyms_count:"
  print "  .quad " n + 0
  print "  .globl ksyms_addr"
  print "ksyms_addr:"
  for (i = 0; i < n; i++) print "  .quad 0x" addr[i]
  print "  .globl ksyms_name"
  print "ksyms_name:"
  for (i = 0; i < n; i++) print "  .quad .Lname" i
  for (i = 0; i < n; i++) print ".Lname" i ": .asciz \"" name[i] "\""
}'
