#ifndef SUBLEDGER_CHECKSUM_H
#define SUBLEDGER_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli) of `length` bytes at `data`: the hardware instruction where the
/// processor has it (SSE 4.2), a table otherwise. The same value either way.
uint32_t subledger_crc32c(const void *data, size_t length);

#endif
