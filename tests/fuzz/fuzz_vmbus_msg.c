/* Fuzz target: the VMBus control-plane parser. The input is a series of
 * records {u8 conn selector, u8 len, len bytes}, each posted as a guest
 * message; the guest drains its SynIC slot between them and now and then
 * signals channel 1, so opens/GPADLs lead into the rings. */
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fhost h;

	fhost_init(&h);
	while (size >= 2) {
		uint8_t sel = data[0], len = data[1];
		data += 2, size -= 2;
		if (len > size)
			len = (uint8_t)size;
		uint8_t msg[256] = { 0 };
		memcpy(msg, data, len);
		uint32_t conn = sel & 1 ? 1 : sel & 2 ? 4 : sel;
		vmbus_post_message(h.vb, conn, 1, msg, len < 240 ? len : 240);
		fhost_drain(&h);
		if (sel & 0x80)
			vmbus_signal_event(h.vb, VMBUS_CHAN_CONN_BASE + 1, 0);
		data += len, size -= len;
	}
	fhost_free(&h);
	return 0;
}
