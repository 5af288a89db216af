/*
 * Private glue between the files of exec/: the registry of address spaces,
 * flat-view rendering and the ops of unassigned I/O space.  Not for use
 * outside exec/.
 */
#ifndef EXEC_MEMORY_INTERNAL_H
#define EXEC_MEMORY_INTERNAL_H

#include "exec/memory.h"

/* Every initialised address space, in creation order (AddressSpace *). */
GPtrArray *memory_address_spaces(void);

/* Render @root (may be NULL or disabled: empty view) into a new view, ref 1. */
FlatView *flatview_render(MemoryRegion *root);
/* Make @fv the current view of @as (takes over the caller's reference); returns the old one (caller unrefs). */
FlatView *flatview_install(AddressSpace *as, FlatView *fv);
/* True when [addr] lies inside @fr (size UINT64_MAX stands for 2^64). */
bool flatrange_contains(const FlatRange *fr, hwaddr addr);
/* Bytes from @addr to the end of @fr, saturated at UINT64_MAX. */
uint64_t flatrange_remaining(const FlatRange *fr, hwaddr addr);

/* Ops of the "io" root: reads all-ones, writes dropped, logged as unimp. */
extern const MemoryRegionOps unassigned_io_ops;

#endif
