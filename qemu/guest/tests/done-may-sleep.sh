# SPDX-License-Identifier: GPL-2.0
# The completion function of an asynchronous message may sleep: the Rust
# client sends each READ ID again, synchronously, from its completion, which
# takes the controller's io_mutex and waits. kernel::spi runs completions on
# the system workqueue, so every resend completes with the flash's id, with
# lockdep and the hung-task detector watching.
#
# Before, the completion ran where the core finished the message, in the
# message pump holding io_mutex: the resend waited for itself, and the
# client's probe never returned.
# timeout: 180
load_spi_driver
client_start count=64 burst=8 pace_us=100 sync_in_done=1
client_wait
client_check 64
client_expect "sync in done" "sync in done: resent 32 ok 32" \
	"want 32 READ IDs sent again from their completion, all answered"
client_stop
