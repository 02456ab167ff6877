/* Fuzz target: the ring reader and storvsp. A channel is opened on a
 * 10-page ring GPADL (5 pages each way) the way Linux does; the input
 * becomes the guest->host ring (header indexes, then the data pages) and
 * the start of guest RAM that GPA-direct ranges may point at; then the
 * guest signals. Nothing the guest writes may crash, hang or leave RAM. */
#include "tests/fuzz/fuzz_common.h"

static void post(struct fhost *h, const uint8_t *m, uint32_t n)
{
	vmbus_post_message(h->vb, VMBUS_MESSAGE_CONN_ID, 1, m, n);
	fhost_drain(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fhost h;
	uint8_t m[240] = { 0 };

	fhost_init(&h);
	put_le32(m, VMBUS_MSG_INITIATE_CONTACT);
	put_le32(m + 8, VMBUS_VERSION_WIN10);
	post(&h, m, 40);
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_REQUESTOFFERS);
	post(&h, m, 8);
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_GPADL_HEADER);
	put_le32(m + 8, 1);
	put_le32(m + 12, 5);
	put_le16(m + 16, 8 + 8 * 10);
	put_le16(m + 18, 1);
	put_le32(m + 20, 10 * 4096);
	for (unsigned i = 0; i < 10; i++)
		put_le64(m + 28 + 8 * i, (F_RING >> 12) + i);
	post(&h, m, 28 + 80);
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_OPENCHANNEL);
	put_le32(m + 8, 1);
	put_le32(m + 16, 5);
	put_le32(m + 24, 5);
	post(&h, m, 148);

	/* Ring header indexes from the input, then the data pages. */
	uint8_t *out = h.mem->ram + F_RING;
	if (size >= 8) {
		memcpy(out, data, 8);
		data += 8, size -= 8;
	}
	size_t n = size < 4 * 4096 ? size : 4 * 4096;
	memcpy(out + 4096, data, n);
	data += n, size -= n;
	/* What is left lands in RAM at 0x30000 (data buffers). */
	memcpy(h.mem->ram + 0x30000, data, size < 0x40000 ? size : 0x40000);
	for (int i = 0; i < 3; i++)
		vmbus_signal_event(h.vb, VMBUS_CHAN_CONN_BASE + 1, 0);
	fhost_free(&h);
	return 0;
}
