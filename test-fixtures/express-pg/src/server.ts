import express from 'express';
import { healthCheck } from './db';
import { adminRouter } from './routes/admin';
import { ordersRouter } from './routes/orders';
import { reportsRouter } from './routes/reports';
import { usersRouter } from './routes/users';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.use(usersRouter);
app.use(ordersRouter);
app.use(reportsRouter);
app.use(adminRouter);

app.get('/healthz', async (_req, res) => {
  res.status((await healthCheck()) ? 200 : 503).end();
});

app.listen(Number(process.env.PORT ?? 3000), () => {
  console.log('listening');
});
