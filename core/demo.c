/* core/demo.c: the default firmware and the demo floppy's image file. */
#include "core/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/machine.h"
#include "cpu/cpu.h"
#include "devices/sha256.h"

/* core/demo_floppy.asm, assembled at build time: the image up to the end
 * of its root directory; the rest of the floppy is zeros. */
extern const unsigned char demo_floppy[], demo_floppy_end[];
#define DEMO_FLOPPY_SIZE 1474560u

bool demo_seabios_installed(void)
{
	return access(DEMO_SEABIOS, R_OK) == 0;
}

const char *demo_default_bios(const struct cpu_model *cpu)
{
	return cpu->id >= CPU_386 && demo_seabios_installed() ? DEMO_SEABIOS
							       : NULL;
}

/* Our own regular file holding exactly the image? (O_NOFOLLOW and the
 * owner check: /tmp is shared, and we boot whatever the file holds.) */
static bool demo_file_matches(const char *path, const uint8_t *img, size_t n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool ok = false;

	if (fd < 0)
		return false;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && st.st_size == DEMO_FLOPPY_SIZE) {
		uint8_t *buf = malloc(DEMO_FLOPPY_SIZE);
		ok = buf && read(fd, buf, DEMO_FLOPPY_SIZE) == DEMO_FLOPPY_SIZE &&
		     !memcmp(buf, img, n);
		for (size_t i = n; ok && i < DEMO_FLOPPY_SIZE; i++)
			ok = !buf[i];
		free(buf);
	}
	close(fd);
	return ok;
}

int demo_floppy_path(char *path, size_t len, char *err, size_t errlen)
{
	const uint8_t *img = demo_floppy;
	size_t n = (size_t)(demo_floppy_end - demo_floppy);
	const char *dir = getenv("TMPDIR");
	struct sha256 sh;
	uint8_t h[32];
	char tmp[4200];

	if (!dir || !*dir)
		dir = "/tmp";
	sha256_init(&sh);
	sha256_update(&sh, img, n);
	sha256_final(&sh, h);
	snprintf(path, len,
		 "%s/lucid-demo-floppy-%u-%02x%02x%02x%02x%02x%02x.img", dir,
		 (unsigned)geteuid(), h[0], h[1], h[2], h[3], h[4], h[5]);
	if (demo_file_matches(path, img, n))
		return 0;

	/* Write a private temp file, then rename it into place: a reader
	 * never sees half an image. */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "--demo: cannot write the demo floppy in %s: %s",
			 dir, strerror(errno));
		return -1;
	}
	bool ok = write(fd, img, n) == (ssize_t)n &&
		  !ftruncate(fd, DEMO_FLOPPY_SIZE);
	ok = !close(fd) && ok && !rename(tmp, path);
	if (!ok) {
		snprintf(err, errlen, "--demo: cannot write %s: %s", path,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int demo_setup(struct machine_config *cfg, bool demo, bool cpu_set,
	       bool bios_set, char *fda, size_t fdalen, char *err,
	       size_t errlen)
{
	if (demo && !cpu_set && !bios_set && demo_seabios_installed())
		cfg->cpu = cpu_model_find("pentium2");
	if (!bios_set)
		cfg->bios = demo_default_bios(cfg->cpu);
	if (!demo)
		return 0;
	if (!cfg->bios) {
		/* The demo ROM reports on the debug console. */
		if (!bios_set)
			fprintf(stderr, "lucid: note: %s; the demo runs the built-in ROM\n",
				demo_seabios_installed()
					? "SeaBIOS needs a 386 or later"
					: "SeaBIOS is not installed (apt-get install seabios)");
		if (!cfg->debugcon)
			cfg->debugcon = "stdio";
		return 0;
	}
	if (!cfg->fda) {
		if (demo_floppy_path(fda, fdalen, err, errlen))
			return -1;
		cfg->fda = fda;
	}
	if (!cfg->serial)
		cfg->serial = "stdio";
	return 0;
}
