/*
 * Private to block/: the driver tables and helpers shared by drivers.
 */
#ifndef BLOCK_INT_H
#define BLOCK_INT_H

#include "block/block.h"

extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

/* Size of the buffer given to probe functions. */
#define BLOCK_PROBE_BUF_SIZE 2048

#endif
