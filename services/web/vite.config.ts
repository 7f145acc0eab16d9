import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The build runs on two shared cores: no size report pass, quiet except for warnings.
  build: { reportCompressedSize: false },
  logLevel: 'warn',
});
