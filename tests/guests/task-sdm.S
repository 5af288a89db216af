/*
 * task-sdm: task.S with the checks where QEMU 7.2's TCG departs from the
 * SDM (vol. 3A 7.2.1: the T flag of a TSS raises #DB after a switch to
 * it), so only the software CPU runs it.
 */
#define TASK_SDM 1
#include "task.S"
