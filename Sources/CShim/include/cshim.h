#ifndef CSHIM_H
#define CSHIM_H
// The few things Swift cannot do safely. libc only.
int cshim_placeholder(void);
#endif
